import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, router

from trips.models import Trip

CITIBIKE = Path(settings.BASE_DIR).parent / "shared" / "data" / "citibike"
JC_DECEMBER = CITIBIKE / "classic-jc" / "JC-201812-citibike-tripdata.csv"
NYC_DAYS = CITIBIKE / "nyc-2017-classic" / "201706-4days-citibike-tripdata.csv.gz"
GRAHAM = "Graham Ave & Conselyea St"

CLASSIC_HEADER = (
    '"tripduration","starttime","stoptime","start station id","start station name",'
    '"start station latitude","start station longitude","end station id","end station name",'
    '"end station latitude","end station longitude","bikeid","usertype","birth year","gender"'
)
MODERN_HEADER = ("ride_id,rideable_type,started_at,ended_at,start_station_name,start_station_id,"
                 "end_station_name,end_station_id,start_lat,start_lng,end_lat,end_lng,member_casual")


def vendor() -> str:
    return connections[router.db_for_write(Trip)].vendor


def on_snowflake() -> bool:
    return vendor() == "snowflake"


@pytest.fixture
def citibike():
    if not JC_DECEMBER.is_file() or not NYC_DAYS.is_file():
        pytest.skip(f"the shared Citi Bike files are not in {CITIBIKE} (see its PROVENANCE.md)")
    return CITIBIKE


def load(*locations, **options):
    """Run load_trips; (stdout, stderr) as text."""
    out, err = io.StringIO(), io.StringIO()
    call_command("load_trips", *[str(x) for x in locations], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write(path: Path, header: str, lines: list[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def classic_line(duration=600, start="2018-12-01 08:00:00.1230", stop="2018-12-01 08:10:00.1230",
                 start_name="Grove St PATH", end_name="Exchange Place", usertype="Subscriber"):
    return (f'{duration},"{start}","{stop}",3186,"{start_name}",40.71958611,-74.04311746,'
            f'3183,"{end_name}",40.7162469,-74.0334588,29000,"{usertype}",1985,1')


def modern_line(ride="A1", start="2021-07-04 23:30:00", stop="2021-07-05 00:05:30", kind="member",
                start_name="Grove St PATH", start_id="JC005"):
    return (f"{ride},classic_bike,{start},{stop},{start_name},{start_id},Exchange Place,JC006,"
            f"40.7195,-74.0431,40.7162,-74.0334,{kind}")


def zipped(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        archive.writestr("__MACOSX/._ignored.csv", "junk")
    return path


def gzipped(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(text)
    return path


def real_rows(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as f:
        yield from csv.reader(f)


@pytest.fixture
def nyc_sample(citibike, tmp_path):
    """On Snowflake (fakesnow takes minutes for 218k rows): the real file's header, its first
    3,000 rows and every row from Graham Ave & Conselyea St, unmodified. Elsewhere the file."""
    if not on_snowflake():
        return NYC_DAYS
    rows = real_rows(NYC_DAYS)
    target = tmp_path / "201706-sample.csv"
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(next(rows))
        for n, row in enumerate(rows):
            if n < 3000 or row[4] == GRAHAM:
                writer.writerow(row)
    return target


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Tests rebuild the data between requests faster than the cache's one-second check."""
    from trips import pagecache

    settings.TRIPS_PAGE_CACHE_SECONDS = 0
    pagecache.clear()
    yield
    pagecache.clear()
