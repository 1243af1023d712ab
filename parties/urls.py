from django.urls import path

from parties import views

app_name = "parties"

# "new/" comes before "<city>/": a city called "new" would be shadowed by the form.
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<str:city>/", views.city, name="city"),
    path("<str:city>/<str:party_id>/", views.detail, name="detail"),
    path("<str:city>/<str:party_id>/people/", views.people, name="people"),
    path("<str:city>/<str:party_id>/delete/", views.delete, name="delete"),
]
