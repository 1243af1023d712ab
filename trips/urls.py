from django.urls import path

from trips import views

app_name = "trips"

urlpatterns = [
    path("", views.index, name="index"),
]
