from django.urls import path

from trips import views

app_name = "trips"

urlpatterns = [
    path("", views.index, name="index"),
    path("stations/", views.stations, name="stations"),
    path("from/<slug:slug>/", views.station, name="station"),
]
