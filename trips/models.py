"""The quickstart's TRIP table, with its types fixed, and the ledger of loaded files."""

from django.db import models
from django.utils.text import slugify

from trips.load.rules import MAX_LENGTH

# Street-type words dropped from a station name for its short slug, so the quickstart's
# /trips/from/graham-conselyea/ finds "Graham Ave & Conselyea St".
STREET_WORDS = frozenset([
    "st", "ave", "av", "pl", "blvd", "rd", "dr", "ln", "sq", "pkwy", "plaza", "ct", "ter", "hwy", "expy",
    "street", "avenue", "place",
])


def station_slug(name: str) -> str:
    return slugify(name)


def short_slug(name_or_slug: str) -> str:
    words = slugify(name_or_slug).split("-")
    return "-".join(w for w in words if w not in STREET_WORDS)


class Trip(models.Model):
    # The texts' max_length live with the loader's rules (trips/load/rules.py), which refuse
    # longer values; the integer fields' ranges are the ones its RANGES check.
    trip_id = models.BigAutoField(primary_key=True)
    # Whole seconds. The quickstart declared it TIMESTAMP and printed its minute part.
    tripduration = models.IntegerField(help_text="Trip duration in whole seconds.")
    starttime = models.DateTimeField()
    stoptime = models.DateTimeField()
    # 2021+ station ids are text ("JC115", "5382.07"), so ids are text for every format.
    start_station_id = models.CharField(max_length=MAX_LENGTH["start_station_id"], blank=True)
    start_station_name = models.CharField(max_length=MAX_LENGTH["start_station_name"], blank=True)
    start_station_latitude = models.FloatField(null=True, blank=True)
    start_station_longitude = models.FloatField(null=True, blank=True)
    end_station_id = models.CharField(max_length=MAX_LENGTH["end_station_id"], blank=True)
    end_station_name = models.CharField(max_length=MAX_LENGTH["end_station_name"], blank=True)
    end_station_latitude = models.FloatField(null=True, blank=True)
    end_station_longitude = models.FloatField(null=True, blank=True)
    bikeid = models.BigIntegerField(null=True, blank=True)
    membership_type = models.CharField(max_length=MAX_LENGTH["membership_type"], null=True, blank=True)  # noqa: DJ001 (the quickstart's)
    usertype = models.CharField(max_length=MAX_LENGTH["usertype"],
                                help_text="Subscriber or Customer (2021+: member/casual).")
    birth_year = models.SmallIntegerField(null=True, blank=True)
    gender = models.SmallIntegerField(null=True, blank=True, help_text="0 unknown, 1 male, 2 female.")

    class Meta:
        db_table = "trip"
        ordering = ["-starttime", "-trip_id"]
        indexes = [
            # The station page: the newest trips from one station.
            models.Index("start_station_name", models.F("starttime").desc(), name="trip_station_recent"),
        ]

    def __str__(self):
        return f"{self.start_station_name} → {self.end_station_name} at {self.starttime:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return round(self.tripduration / 60)


class LoadedFile(models.Model):
    """One file load_trips has loaded: loading the same bytes again adds nothing."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)
    size = models.BigIntegerField()
    rows_loaded = models.BigIntegerField(default=0)
    rows_skipped = models.BigIntegerField(default=0)
    # Loads are serialised, so this file's trips are exactly the ids in (after_id, last_id].
    after_id = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "trip_loaded_file"
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"{self.name} ({self.rows_loaded} trips)"


class Station(models.Model):
    """Per-station totals derived from Trip (refreshed after every load), so pages stay fast."""

    slug = models.SlugField(max_length=120, unique=True)
    short_slug = models.SlugField(max_length=120, db_index=True)
    name = models.CharField(max_length=100)
    trips = models.BigIntegerField(default=0)
    # Trips per local hour of day, 24 comma-separated counts.
    hours = models.CharField(max_length=400, default="")

    class Meta:
        db_table = "trip_station"
        ordering = ["-trips", "name"]

    def __str__(self):
        return self.name

    def per_hour(self) -> list[int]:
        """Trips per New York hour of day, 0 to 23."""
        return [int(n) for n in self.hours.split(",")] if self.hours else [0] * 24
