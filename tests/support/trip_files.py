"""Citi Bike files for the trips and moving tests: the shared real files, headers and
lines of both layouts, files written, zipped or gzipped, and `load_trips` run in-process."""

import contextlib
import csv
import gzip
import http.server
import io
import threading
import zipfile
from functools import partial
from pathlib import Path

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


class FileHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a directory, quietly. /cut/NAME: NAME's whole Content-Length, then only half its
    bytes before the connection closes (a download cut short). `authorizations`: the
    Authorization header of every request (None when absent)."""

    authorizations: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.authorizations.append(self.headers.get("Authorization"))
        if not self.path.startswith("/cut/"):
            return super().do_GET()
        data = (Path(self.directory) / self.path.split("?")[0].removeprefix("/cut/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.close_connection = True
        return None


@contextlib.contextmanager
def served(directory: Path):
    """An HTTP server on 127.0.0.1 for `directory` while the block runs; yields its base URL."""
    FileHandler.authorizations.clear()
    handler = partial(FileHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
