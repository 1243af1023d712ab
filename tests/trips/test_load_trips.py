"""load_trips against the real engine of the run (SQLite, PostgreSQL or fakesnow-Snowflake)."""

import http.server
import shutil
import subprocess
import threading
from datetime import UTC, datetime
from functools import partial

import pytest
from django.core.management import CommandError
from django.db import router

from tests.support.trip_files import (
    CLASSIC_HEADER,
    GRAHAM,
    JC_DECEMBER,
    MODERN_HEADER,
    FileHandler,
    classic_line,
    gzipped,
    load,
    modern_line,
    real_rows,
    served,
    vendor,
    write,
    zipped,
)
from trips import stations
from trips.load import rows
from trips.models import LoadedFile, Station, Trip

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_a_real_classic_month_loads_every_row_and_a_second_load_adds_nothing(citibike):
    out, err = load(JC_DECEMBER)

    assert Trip.objects.count() == 20_205  # PROVENANCE.md: 20,205 rows, none bad
    assert "loaded 20,205 trips, skipped 0 bad rows" in out
    assert out.strip().splitlines()[-1].startswith("Loaded 20,205 trips from 1 file(s)")
    assert "rows/s" in out and err == ""
    first = Trip.objects.order_by("trip_id").first()
    assert first.tripduration == 170
    assert first.starttime == datetime(2018, 12, 1, 5, 3, 53, 386000, tzinfo=UTC)  # 00:03:53.386 EST
    assert (first.usertype, first.birth_year, first.gender, first.bikeid) == ("Subscriber", 1975, 1, 26261)

    out, _ = load(JC_DECEMBER)

    assert Trip.objects.count() == 20_205
    assert "already loaded" in out
    assert LoadedFile.objects.get().rows_loaded == 20_205


def test_the_nyc_days_load_and_the_graham_avenue_page_lists_its_ten_newest_trips(client, nyc_sample):
    sources = list(real_rows(nyc_sample))[1:]
    out, _ = load(nyc_sample)

    assert Trip.objects.count() == len(sources)  # every row is good
    graham = sorted((r for r in sources if r[4] == GRAHAM), key=lambda r: r[1], reverse=True)
    assert len(graham) == 299  # PROVENANCE.md
    assert Station.objects.get(name=GRAHAM).trips == 299

    page = client.get("/trips/from/graham-conselyea/").content.decode()

    assert "10 Trips from the 'Graham Ave &amp; Conselyea St' Station" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 10
    for row, source in zip(rows, graham[:10], strict=True):
        assert f'<td class="num">{round(int(source[0]) / 60)}</td>' in row
        assert source[8].replace("&", "&amp;") in row
        assert source[1][:16] in row  # New York time, newest first


def test_a_2021_file_maps_member_and_casual_and_computes_durations(tmp_path):
    path = write(tmp_path / "202107-citibike-tripdata.csv", MODERN_HEADER, [
        modern_line("A1", kind="member"),
        modern_line("A2", "2021-07-05 10:00:00", "2021-07-05 10:00:59", kind="casual", start_id="5382.07"),
    ])

    load(path)

    first, second = Trip.objects.order_by("trip_id")
    assert (first.usertype, second.usertype) == ("Subscriber", "Customer")
    assert (first.tripduration, second.tripduration) == (35 * 60 + 30, 59)
    assert first.starttime == datetime(2021, 7, 5, 3, 30, tzinfo=UTC)  # 23:30 EDT
    assert second.start_station_id == "5382.07"
    assert first.bikeid is None and first.gender is None and first.birth_year is None


def test_every_csv_in_a_zip_loads_as_one_file_of_the_ledger(tmp_path):
    path = zipped(tmp_path / "JC-202107-citibike-tripdata.csv.zip", {
        "JC-202107-citibike-tripdata.csv": "\n".join([MODERN_HEADER, modern_line("A1"), modern_line("A2")]),
        "extra/part-2.csv": "\n".join([CLASSIC_HEADER, classic_line()]),
    })

    out, _ = load(path)

    assert Trip.objects.count() == 3
    assert LoadedFile.objects.get().name == "JC-202107-citibike-tripdata.csv.zip"
    assert "1 file(s) already loaded" in load(path)[0]


def test_a_gzipped_file_and_month_day_year_times_load_as_new_york_time(tmp_path):
    header = CLASSIC_HEADER.replace('"tripduration"', '"Trip Duration"').replace('"starttime"', "Start Time")
    path = gzipped(tmp_path / "201501-citibike-tripdata.csv.gz", "\n".join([
        header,
        classic_line(600, "1/1/2015 0:01", "1/1/2015 0:11"),
        classic_line(60, "7/4/2015 13:05:09", "7/4/2015 13:06:09"),
    ]) + "\n")

    load(path)

    winter, summer = Trip.objects.order_by("trip_id")
    assert winter.starttime == datetime(2015, 1, 1, 5, 1, tzinfo=UTC)
    assert summer.starttime == datetime(2015, 7, 4, 17, 5, 9, tzinfo=UTC)


def test_bad_rows_are_skipped_and_reported_with_file_line_and_reason(tmp_path):
    path = write(tmp_path / "bad.csv", CLASSIC_HEADER, [
        classic_line(),                                               # line 2: good
        classic_line(duration="ten"),                                 # 3
        classic_line(start="2018-12-32 08:00:00"),                    # 4
        classic_line().rsplit(",", 1)[0],                             # 5: a field short
        classic_line(duration=-5),                                    # 6
        classic_line(start="2018-12-01 09:00:00", stop="2018-12-01 08:00:00"),  # 7
        classic_line(start_name="Last Good"),                         # 8
    ])

    out, err = load(path)

    assert Trip.objects.count() == 2
    assert "skipped 5 bad rows" in out
    assert "bad.csv:3: skipped: tripduration 'ten' is not a whole number" in err
    assert "bad.csv:4: skipped: starttime '2018-12-32 08:00:00' is not a date and time" in err
    assert "bad.csv:5: skipped: 14 fields where the header has 15" in err
    assert "bad.csv:6: skipped: negative tripduration -5" in err
    assert "bad.csv:7: skipped: stoptime is before starttime" in err
    assert LoadedFile.objects.get().rows_skipped == 5


def test_rows_only_the_database_could_refuse_are_reported_with_their_lines(tmp_path):
    # Every field parses, so PostgreSQL keeps its COPY fast path and checks afterwards.
    path = write(tmp_path / "soft.csv", CLASSIC_HEADER, [
        classic_line(), classic_line(duration=-1), classic_line(),
        classic_line(start="2018-12-01 09:00:00", stop="2018-12-01 08:59:59"),
    ])

    out, err = load(path)

    assert Trip.objects.count() == 2
    assert "soft.csv:3: skipped: negative tripduration -1" in err
    assert "soft.csv:5: skipped: stoptime is before starttime" in err


def test_a_file_that_is_not_a_trip_file_is_an_error_naming_the_missing_columns(tmp_path):
    path = write(tmp_path / "stations.csv", "station_id,latitude,longitude,name", ["3086,40.7,-73.9,Graham"])

    with pytest.raises(CommandError, match="missing column.*tripduration, starttime, stoptime"):
        load(path)
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()


def test_a_missing_file_or_an_unsupported_url_is_an_error_before_anything_loads(tmp_path):
    good = write(tmp_path / "good.csv", CLASSIC_HEADER, [classic_line()])

    with pytest.raises(CommandError, match="nope.csv: no such file"):
        load(good, tmp_path / "nope.csv")
    with pytest.raises(CommandError, match="only local paths and http"):
        load("ftp://example.com/x.csv")
    assert not Trip.objects.exists()


def test_a_failure_half_way_keeps_earlier_files_and_a_rerun_duplicates_nothing(tmp_path):
    first = write(tmp_path / "first.csv", CLASSIC_HEADER, [classic_line(), classic_line()])
    broken = write(tmp_path / "second.csv", "what,ever", ["1,2"])

    with pytest.raises(CommandError, match="second.csv.*missing column.*loaded before it are kept: first"):
        load(first, broken)
    assert Trip.objects.count() == 2

    write(broken, CLASSIC_HEADER, [classic_line()])
    out, _ = load(first, broken)

    assert Trip.objects.count() == 3
    assert "first.csv: already loaded" in out


def test_a_dry_run_reports_what_it_would_load_and_writes_nothing(tmp_path):
    path = write(tmp_path / "dry.csv", CLASSIC_HEADER, [classic_line(), classic_line(duration="x")])

    out, err = load(path, dry_run=True)

    assert "dry.csv: would load 1 trips, skipped 1 bad rows" in out
    assert out.strip().splitlines()[-1].startswith("Would load 1 trips")
    assert "dry.csv:3" in err
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()


def test_replace_reloads_a_file_without_doubling_it(tmp_path):
    path = write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line(), classic_line()])
    load(path)
    old_ids = set(Trip.objects.values_list("trip_id", flat=True))

    write(path, CLASSIC_HEADER, [classic_line(), classic_line(), classic_line()])  # a corrected month
    out, _ = load(path, replace=True)

    assert Trip.objects.count() == 3
    assert not old_ids & set(Trip.objects.values_list("trip_id", flat=True))
    assert "replacing 2 trips loaded before" in out
    assert LoadedFile.objects.get().rows_loaded == 3
    assert Station.objects.get(name="Grove St PATH").trips == 3


def test_the_same_content_under_another_name_is_already_loaded(tmp_path):
    lines = [classic_line()]
    load(write(tmp_path / "a.csv", CLASSIC_HEADER, lines))

    out, _ = load(write(tmp_path / "copy-of-a.csv", CLASSIC_HEADER, lines))

    assert "copy-of-a.csv: already loaded (a.csv" in out
    assert Trip.objects.count() == 1


def test_a_file_is_streamed_from_an_http_url(tmp_path):
    write(tmp_path / "JC-202107-citibike-tripdata.csv", MODERN_HEADER, [modern_line("A1"), modern_line("A2")])
    handler = partial(QuietHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/JC-202107-citibike-tripdata.csv"
        try:
            load(url)
            with pytest.raises(CommandError, match="cannot download"):
                load(url.replace(".csv", "-missing.csv"))
        finally:
            server.shutdown()

    assert Trip.objects.count() == 2
    assert LoadedFile.objects.get().name == "JC-202107-citibike-tripdata.csv"


def test_verbosity_zero_prints_nothing(tmp_path):
    path = write(tmp_path / "quiet.csv", CLASSIC_HEADER, [classic_line(), classic_line(duration="x")])

    assert load(path, verbosity=0) == ("", "")
    assert Trip.objects.count() == 1


def test_loading_needs_a_file_or_url():
    with pytest.raises(CommandError, match="Name at least one file"):
        load()


def test_rebuild_stations_recounts_trips_stored_without_load_trips(tmp_path):
    load(write(tmp_path / "x.csv", CLASSIC_HEADER, [classic_line(), classic_line(start_name="Sip Ave")]))
    Station.objects.all().delete()  # as after the quickstart's COPY INTO

    out, _ = load(rebuild_stations=True)

    assert "Recounted 2 stations" in out
    assert sorted(Station.objects.values_list("name", "trips")) == [("Grove St PATH", 1), ("Sip Ave", 1)]
    assert Station.objects.get(name="Sip Ave").per_hour()[8] == 1


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


OUT_OF_RANGE = "starttime or stoptime is outside the years 1900 to 9998 (UTC)"


def test_times_the_pages_cannot_read_back_are_skipped_with_one_reason_and_the_pages_answer(tmp_path, client):
    # PostgreSQL's COPY reads all of these (its direct path), Python reads none as a time it can hold.
    path = write(tmp_path / "far.csv", CLASSIC_HEADER, [
        classic_line(start="9999-12-31 23:30:00", stop="9999-12-31 23:40:00"),   # line 2: UTC year 10000
        classic_line(start="infinity"),                                         # 3
        classic_line(start="2018-12-01 00:03:53 BC"),                           # 4
        classic_line(stop="-infinity"),                                         # 5
        classic_line(start="1899-12-31 10:00:00", stop="1899-12-31 10:10:00"),  # 6
        classic_line(start_name="Sip Ave"),                                     # 7: good
    ])

    out, err = load(path)

    assert "loaded 1 trips, skipped 5 bad rows" in out
    assert err.splitlines() == [f"far.csv:{line}: skipped: {OUT_OF_RANGE}" for line in range(2, 7)]
    assert client.get("/trips/").status_code == 200
    assert client.get("/trips/from/sip-ave/").status_code == 200
    assert client.get("/api/trips/from/sip-ave/").status_code == 200


TOO_BIG = [
    (classic_line().replace(",29000,", f",{'9' * 20},"), f"bikeid '{'9' * 20}' is out of range"),
    (classic_line()[:-1] + "99999", "gender '99999' is out of range"),
    (classic_line(start_name="N" * 150), "start station name is longer than 100 characters"),
    (classic_line(end_name="Exchange\x00Place"), "end station name contains a NUL character"),
    (classic_line().replace(",3183,", f",{'7' * 33},"), "end station id is longer than 32 characters"),
    (classic_line(usertype="Subscriber" * 3), "usertype is longer than 20 characters"),
    (classic_line(duration=2**31), f"tripduration '{2**31}' is out of range"),
]


def test_values_too_big_for_their_column_are_skipped_alike_on_every_engine(tmp_path):
    path = write(tmp_path / "big.csv", CLASSIC_HEADER, [line for line, _ in TOO_BIG] + [
        classic_line(start_name="N" * 100)])

    out, err = load(path)

    assert f"loaded 1 trips, skipped {len(TOO_BIG)} bad rows" in out
    assert err.splitlines() == [f"big.csv:{n}: skipped: {reason}" for n, (_, reason) in enumerate(TOO_BIG, 2)]
    assert Trip.objects.get().start_station_name == "N" * 100


def test_2021_times_with_an_offset_are_read_with_it_on_every_engine(tmp_path):
    path = write(tmp_path / "202106-citibike-tripdata.csv", MODERN_HEADER, [
        modern_line("Z1", "2021-06-01T10:00:00Z", "2021-06-01T10:20:00Z"),
        modern_line("Z2", "2021-06-01T10:00:00-04:00", "2021-06-01 10:30:00"),
    ])

    load(path)

    first, second = Trip.objects.order_by("trip_id")
    assert (first.starttime, first.tripduration) == (datetime(2021, 6, 1, 10, tzinfo=UTC), 1200)
    assert (second.starttime, second.tripduration) == (datetime(2021, 6, 1, 14, tzinfo=UTC), 1800)


def test_a_bad_row_after_a_record_spanning_two_lines_is_reported_with_its_own_line(tmp_path):
    path = write(tmp_path / "multiline.csv", CLASSIC_HEADER, [
        classic_line(start_name="Grove St\nPATH"),  # lines 2 and 3
        classic_line(),                              # 4
        classic_line(duration=-5),                   # 5
    ])

    out, err = load(path)

    assert "loaded 2 trips, skipped 1 bad rows" in out
    assert err == "multiline.csv:5: skipped: negative tripduration -5\n"
    assert Trip.objects.order_by("trip_id").first().start_station_name == "Grove St\nPATH"


def test_a_corrupt_gzip_is_an_error_naming_the_file_and_keeps_nothing(tmp_path):
    path = tmp_path / "broken.csv.gz"
    whole = gzipped(tmp_path / "whole.csv.gz", "\n".join([CLASSIC_HEADER, *[classic_line()] * 2000]))
    path.write_bytes(whole.read_bytes()[:-200])  # a download cut short

    with pytest.raises(CommandError, match="broken.csv.gz: cannot read it"):
        load(path)
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()


@pytest.mark.parametrize("with_unparseable_row", [False, True], ids=["fast path", "careful path"])
def test_a_start_in_the_skipped_spring_forward_hour_counts_where_the_database_recount_puts_it(
    tmp_path, with_unparseable_row
):
    lines = [classic_line(start="2019-03-10 02:30:00", stop="2019-03-10 04:10:00", start_name="Sip Ave")]
    if with_unparseable_row:  # on PostgreSQL, COPY refuses it and Python parses the file
        lines.append(classic_line(start="2019-03-32 08:00:00"))
    load(write(tmp_path / "spring.csv", CLASSIC_HEADER, lines))
    loaded = Station.objects.get(name="Sip Ave").per_hour()

    stations.rebuild(router.db_for_write(Trip))

    assert Station.objects.get(name="Sip Ave").per_hour() == loaded
    assert sum(loaded) == 1


def served_lines(tmp_path, count=300):
    write(tmp_path / "month.csv", CLASSIC_HEADER, [classic_line(600 + n) for n in range(count)])


@pytest.mark.parametrize("parser", ["child process", "in process"])
def test_a_download_cut_short_is_an_error_and_keeps_nothing(tmp_path, monkeypatch, parser):
    if parser == "in process":  # as where no interpreter can start: this process parses
        monkeypatch.setattr(rows, "_start", lambda location, size: None)
    served_lines(tmp_path)
    whole = (tmp_path / "month.csv").stat().st_size
    with served(tmp_path) as base:
        for options in ({}, {"replace": True}, {"dry_run": True}):  # replace hashes it first
            with pytest.raises(CommandError) as refused:
                load(f"{base}/cut/month.csv", **options)
            assert str(refused.value) == (
                f"{base}/cut/month.csv: the download stopped after {whole // 2:,} of {whole:,} bytes")
            assert not Trip.objects.exists() and not LoadedFile.objects.exists()

        out, _ = load(f"{base}/month.csv")  # the same name, whole: every row, once

    assert "month.csv: loaded 300 trips" in out
    assert Trip.objects.count() == 300


@pytest.mark.skipif(shutil.which("zip") is None, reason="needs the zip command")
def test_an_encrypted_zip_is_an_error_in_one_line(tmp_path):
    write(tmp_path / "enc.csv", CLASSIC_HEADER, [classic_line()])
    subprocess.run(["zip", "-q", "-P", "pw", "enc.zip", "enc.csv"], cwd=tmp_path, check=True)  # noqa: S607

    with pytest.raises(CommandError, match=r"^enc.zip: enc.csv is encrypted; load_trips cannot read it$"):
        load(tmp_path / "enc.zip")
    assert not Trip.objects.exists() and not LoadedFile.objects.exists()


def test_a_url_s_password_and_query_values_never_appear_in_messages(tmp_path, monkeypatch):
    served_lines(tmp_path, 3)
    write(tmp_path / "stations.csv", "station_id,name", ["3086,Graham"])
    started, popen = [], subprocess.Popen

    def recorded(args, **kwargs):
        started.append(args)
        return popen(args, **kwargs)

    monkeypatch.setattr(rows.subprocess, "Popen", recorded)
    secrets = ("S3cretPW", "T0kenXYZ", "sig%3Dabc", "sig=abc")
    with served(tmp_path) as base:
        secret, masked = (base.replace("http://", f"http://bob:{p}@") for p in ("S3cretPW", "***"))

        out, err = load(f"{secret}/month.csv?token=T0kenXYZ&x=sig%3Dabc")
        failures = []
        for path in ("missing.csv", "stations.csv", "cut/month.csv"):
            with pytest.raises(CommandError) as refused:
                load(f"{secret}/{path}?token=T0kenXYZ")
            failures.append(str(refused.value))
        with pytest.raises(CommandError) as bad_scheme:
            load("ftp://bob:S3cretPW@example.com/x.csv?token=T0kenXYZ")

    assert "month.csv: loaded 3 trips" in out
    assert FileHandler.authorizations[0] == "Basic Ym9iOlMzY3JldFBX"  # bob:S3cretPW, as basic auth
    assert LoadedFile.objects.get().name == "month.csv"
    assert failures[0].startswith(f"{masked}/missing.csv?token=***: cannot download (HTTP Error 404")
    assert failures[1].startswith(f"{masked}/stations.csv?token=***: not a Citi Bike trip file")
    assert failures[2].startswith(f"{masked}/cut/month.csv?token=***: the download stopped after")
    assert str(bad_scheme.value).startswith("ftp://bob:***@example.com/x.csv?token=***: only local paths")
    shown = "\n".join([out, err, *failures, str(bad_scheme.value), *map(str, started)])
    assert not any(s in shown for s in secrets)
    assert started or vendor() == "postgresql"  # the parser process's arguments hold none either


def test_a_url_s_password_is_masked_however_it_is_spelt():
    from trips.load.sources import shown

    assert shown("http://bob:pa/ss@127.0.0.1/x.csv") == "http://bob:***@127.0.0.1/x.csv"
    assert shown("https://h/x.csv?X-Amz-Signature=abc&flag") == "https://h/x.csv?X-Amz-Signature=***&***"


def test_a_directory_is_said_to_be_one(tmp_path):
    with pytest.raises(CommandError, match=f"^{tmp_path}: is a directory, not a file$"):
        load(tmp_path)


def test_an_upper_case_scheme_is_a_url_too(tmp_path):
    served_lines(tmp_path, 2)
    with served(tmp_path) as base:
        out, _ = load(base.replace("http://", "HTTP://") + "/month.csv")

    assert "month.csv: loaded 2 trips" in out
    assert Trip.objects.count() == 2


def test_rebuild_stations_in_a_dry_run_says_what_it_would_do_and_does_nothing(tmp_path):
    load(write(tmp_path / "x.csv", CLASSIC_HEADER, [classic_line()]))
    Station.objects.all().delete()

    out, _ = load(rebuild_stations=True, dry_run=True)

    assert "Would recount the stations from the trip table" in out
    assert not Station.objects.exists()
