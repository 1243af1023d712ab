from django.urls import path

from counter import views

app_name = "counter"

urlpatterns = [
    path("", views.counter, name="index"),
    path("<slug:name>/", views.counter, name="detail"),
]
