from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.index, name="index"),
    path("authors/<int:pk>/", views.author_detail, name="author_detail"),
]
