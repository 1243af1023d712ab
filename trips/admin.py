from django.contrib import admin

from common.admin import ReadOnlyAdmin
from trips.models import LoadedFile, Station, Trip


# Trips are loaded by `manage.py load_trips`, never typed in.
@admin.register(Trip)
class TripAdmin(ReadOnlyAdmin):
    list_display = ["trip_id", "starttime", "start_station_name", "end_station_name", "tripduration",
                    "usertype", "gender", "birth_year"]
    search_fields = ["start_station_name", "end_station_name"]
    list_filter = ["usertype", "gender"]
    date_hierarchy = "starttime"
    # Counting a million rows for every page of the changelist is the slow part.
    show_full_result_count = False
    list_per_page = 50


@admin.register(LoadedFile)
class LoadedFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "rows_loaded", "rows_skipped", "size", "loaded_at", "sha256"]
    search_fields = ["name", "sha256"]


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ["name", "trips", "slug"]
    search_fields = ["name"]
