"""The row rules: Python's without a database, and each SQL twin against its Python rule."""

import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import connections, router

from tests.support.trip_files import CLASSIC_HEADER, MODERN_HEADER, vendor
from trips.load import rules
from trips.load.rules import BadRow, Layout, NotATripFile, utc_text
from trips.models import Trip


def classic(**changes):
    row = dict(zip(
        ["tripduration", "starttime", "stoptime", "sid", "sname", "slat", "slon", "eid", "ename", "elat",
         "elon", "bikeid", "usertype", "birth", "gender"],
        ["600", "2018-12-01 08:00:00.1230", "2018-12-01 08:10:00.1230", "3186", "Grove St PATH",
         "40.7195", "-74.0431", "3183", "Exchange Place", "40.7162", "-74.0334", "29000", "Subscriber",
         "1985", "1"], strict=True,
    ))
    row.update(changes)
    return list(row.values())


LAYOUT = Layout(CLASSIC_HEADER.replace('"', "").split(","))


def test_new_york_local_times_become_utc_across_daylight_saving():
    assert utc_text("2018-12-01 00:03:53.3860", "t") == "2018-12-01 05:03:53.386000"  # EST
    assert utc_text("2018-07-01 00:03:53", "t") == "2018-07-01 04:03:53"  # EDT
    assert utc_text("3/11/2018 3:30", "t") == "2018-03-11 07:30:00"  # the morning clocks go forward
    assert utc_text("2021-07-01T10:00", "t") == "2021-07-01 14:00:00"


@pytest.mark.parametrize("text", ["2018-13-01 00:00:00", "2018-02-30 10:00:00", "yesterday",
                                  "2018-12-01 10:61:00", "13/45/2018 10:00"])
def test_impossible_times_are_bad_rows(text):
    with pytest.raises(BadRow, match="is not a date and time"):
        utc_text(text, "starttime")


def test_the_fast_path_and_the_careful_path_agree_on_empty_markers():
    values = LAYOUT.row(classic(birth="\\N", bikeid="", slat="", gender="NULL"))

    assert values[0] == 600
    assert values[5] is None and values[11] is None and values[14] is None and values[15] is None
    nan = classic(slat="NaN", elon="nan")
    assert LAYOUT.row(nan) == LAYOUT._careful_row(nan)
    assert LAYOUT.row(nan)[5] is None and LAYOUT.row(nan)[10] is None


def test_the_fast_path_and_the_careful_path_store_texts_as_the_file_writes_them():
    layout = Layout([*CLASSIC_HEADER.replace('"', "").split(","), "membership_type"])
    for name, kind, membership in [("  Grove St PATH ", " Subscriber", "\\N"), ("A\t", "Customer", ""),
                                   ("B", "", "NULL"), ("", "Subscriber", " Annual ")]:
        fields = [*classic(sname=name, usertype=kind), membership]

        fast, careful = layout.row(fields), layout._careful_row(fields)
        assert fast == careful
        assert fast[4] == name and fast[12] == (membership or None) and fast[13] == kind


def test_header_spellings_vary_but_name_the_same_columns():
    header = ["Trip Duration", "Start Time", "Stop Time", "Start Station ID", "Start Station Name",
              "End Station ID", "End Station Name", "User Type"]
    layout = Layout(header)

    values = layout.row(["61", "6/1/2015 0:00", "6/1/2015 0:01", "1", "A", "2", "B", "Customer"])
    assert values[0] == 61 and values[13] == "Customer" and values[5] is None


def test_a_2021_row_maps_member_to_subscriber_and_computes_its_duration():
    layout = Layout(MODERN_HEADER.split(","))

    line = "X,electric_bike,2021-07-01 10:00:00,2021-07-01 10:20:30,A,JC1,B,JC2,40.7,-74.0,40.7,-74.0,member"
    values = layout.row(line.split(","))
    assert values[0] == 1230 and values[13] == "Subscriber" and values[3] == "JC1"


def test_a_file_without_trip_columns_names_what_is_missing():
    with pytest.raises(NotATripFile, match="missing column.*started_at|tripduration"):
        Layout(["station_id", "name"])


# --- Each SQL twin gives what its Python rule gives, run on real SQLite and PostgreSQL -------

TEXTS = ["  Grove St PATH ", "JC115", "", None, "\\N", "NULL", "Exchange Place\t"]
NUMBERS = [("start_station_latitude", "40.71958611"), ("end_station_longitude", "-74.0334588"),
           ("start_station_latitude", "NaN"), ("end_station_latitude", " nan "), ("bikeid", "\\N"),
           ("gender", "NULL"), ("birth_year", "null"),
           ("start_station_latitude", ""), ("bikeid", "29000"), ("birth_year", " 1985 "), ("gender", "0"),
           ("tripduration", "600")]
KINDS = ["member", " Casual ", "MEMBER", "Subscriber", "", None, "casual "]
EIGHT, TEN_PAST, NINE = "2018-12-01 08:00:00", "2018-12-01 08:10:00", "2018-12-01 09:00:00"
FIRST, LAST = "1900-01-01 00:00:00", "9998-12-31 23:59:59.999999"  # in range, UTC
REFUSALS = [(600, EIGHT, TEN_PAST), (-5, EIGHT, TEN_PAST), (600, NINE, EIGHT), (0, EIGHT, EIGHT),
            (-1, NINE, EIGHT), (600, FIRST, LAST), (-5, FIRST, EIGHT),
            # out of range (the years 1900 to 9998, UTC), before any other reason
            (60, "1899-12-31 23:59:59.999999", EIGHT), (60, "1899-12-31 23:59:59", EIGHT),
            (60, EIGHT, "9999-01-01 00:00:00"), (-1, NINE, "9999-12-31 23:00:00"),
            (60, "0999-06-01 10:00:00", NINE)]
# New York local times: an hour that happens twice (November), one that never happens (March),
# month/day/year, a fraction, and either side of midnight UTC.
TIMES = ["2018-11-04 01:30:00", "2018-11-04 00:59:59", "2018-11-04 02:00:00", "2018-03-11 02:30:00",
         "3/11/2018 3:30", "2018-12-01 00:03:53.3860", "2021-07-01T10:00", "2018-07-01 20:15:00",
         # 2021+ times with an offset are read with it, whatever the session's time zone.
         "2021-06-01T10:00:00Z", "2021-06-01T10:00:00-04:00", "2021-06-01 10:00:00.25+05:30",
         "2021-11-07T05:30:00Z", "2021-11-07T01:30:00-04:00", "2021-06-01T10:00:00+0530"]
DURATIONS = [("2021-07-01 10:00:00.700", "2021-07-01 10:00:10.200"),  # 9.5 s: whole seconds, down
             ("2021-11-07 00:50:00", "2021-11-07 01:10:00"), ("2021-07-04 23:30:00", "2021-07-05 00:05:30")]


def on_sqlite(expression, *cells):
    """`expression` of the cells c0, c1... (bound as text), by an in-memory SQLite."""
    names = ", ".join(f"CAST(? AS text) AS c{i}" for i in range(len(cells)))
    with sqlite3.connect(":memory:") as db:
        return db.execute(f"SELECT {expression} FROM (SELECT {names}) AS f", cells).fetchone()[0]  # noqa: S608


def on_postgresql(expression, *cells):
    """The same on the PostgreSQL of the test run."""
    names = ", ".join(f"CAST(%s AS text) AS c{i}" for i in range(len(cells)))
    with connections[router.db_for_write(Trip)].cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM (SELECT {names}) AS f", cells)  # noqa: S608
        return cursor.fetchone()[0]


def engines():
    yield on_sqlite
    if vendor() == "postgresql":
        yield on_postgresql


# A UTC time text as each engine's time: SQLite compares texts, PostgreSQL timestamptz (the
# test's session is in UTC).
TIME_OF = {on_sqlite: "{}", on_postgresql: "CAST({} AS timestamptz)"}


@pytest.mark.django_db(databases="__all__")
def test_the_sql_twins_of_texts_numbers_rider_kinds_and_refusals_agree_with_python():
    for run in engines():
        for value in TEXTS:
            assert run(rules.text_sql("c0"), value) == rules.text(value), value
            assert run(rules.text_or_none_sql("c0"), value) == rules.text_or_none(value), value
        for column, value in NUMBERS:
            if column == "tripduration":
                python = rules.whole(value, column)
            else:
                python = rules.number(value, column) if "itude" in column else rules.whole_or_none(
                    value, column)
            assert run(rules.number_sql("c0", column), value) == python, value
        for value in KINDS:
            for modern in (True, False):
                assert run(rules.usertype_sql("c0", modern), value) == rules.usertype(value, modern), value
        for seconds, start, stop in REFUSALS:
            for modern in (True, False):
                sql = rules.refusal_sql("CAST(c0 AS integer)", TIME_OF[run].format("c1"),
                                        TIME_OF[run].format("c2"), modern)
                assert run(sql, str(seconds), start, stop) == rules.refusal(seconds, start, stop, modern)


def utc(text):
    return datetime.fromisoformat(rules.utc_text(text, "t")).replace(tzinfo=UTC)


@pytest.mark.postgres
@pytest.mark.django_db(databases="__all__")
def test_the_sql_twins_of_times_durations_and_station_hours_agree_with_python_on_postgresql():
    if vendor() != "postgresql":
        pytest.skip("times are converted in SQL on PostgreSQL only (make test-postgres)")
    for text in TIMES:
        assert on_postgresql(rules.utc_sql("c0"), text) == utc(text), text
    # What PostgreSQL reads that Python cannot (infinity, BC) or cannot hold (the year 10000):
    # refused by the twin of refusal(), with its reason.
    for text in ["infinity", "-infinity", "2018-12-01 00:03:53 BC", "9999-12-31 23:30:00",
                 "1899-12-31 18:00:00"]:
        sql = rules.refusal_sql("0", rules.utc_sql("c0"), rules.utc_sql("c0"), False)
        assert on_postgresql(sql, text) == rules.TIME_RANGE[False], text
        with pytest.raises(BadRow, match=f"^{re.escape(rules.TIME_RANGE[False])}$"):
            LAYOUT._careful_row(classic(starttime=text, stoptime=text))
    for start, stop in DURATIONS:
        sql = rules.duration_sql(rules.utc_sql("c0"), rules.utc_sql("c1"))
        python = rules.duration(rules.utc_text(start, "t"), rules.utc_text(stop, "t"))
        assert on_postgresql(sql, start, stop) == python, (start, stop)
    batch = [v for i, t in enumerate(TIMES) for v in (600, rules.utc_text(t, "t"), "", "", f"S{i % 3}")
             + (None,) * (rules.WIDTH - 5)]
    python = Counter()
    rules.add_station_hours(python, batch)
    with connections[router.db_for_write(Trip)].cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE hours_twin (start_station_name text, starttime timestamptz)")
        cursor.executemany("INSERT INTO hours_twin VALUES (%s, %s)", [
            (f"S{i % 3}", utc(t)) for i, t in enumerate(TIMES)])
        cursor.execute(rules.station_hours_sql("hours_twin"))
        assert Counter({(name, hour): n for name, hour, n in cursor.fetchall()}) == python
        cursor.execute("DROP TABLE hours_twin")


# --- What a column can hold: a value it cannot is a bad row, on the fast and careful paths ----

OUT_OF_RANGE = "starttime or stoptime is outside the years 1900 to 9998 (UTC)"


@pytest.mark.parametrize("start", ["9999-12-31 23:30:00", "9998-12-31 19:00:00", "9999-01-01 00:00:00",
                                   "1899-12-31 18:59:59", "0999-01-01 00:00:00", "infinity", "-Infinity",
                                   "2018-12-01 00:03:53 BC", "9999-12-31T23:00:00-05:00"])
def test_times_python_and_the_pages_cannot_read_back_are_bad_rows_on_both_paths(start):
    fields = classic(starttime=start)

    for row in (LAYOUT.row, LAYOUT._careful_row):
        with pytest.raises(BadRow) as refused:
            row(fields)
        assert str(refused.value) == OUT_OF_RANGE
    with pytest.raises(BadRow, match=f"^{re.escape(OUT_OF_RANGE)}$"):
        LAYOUT.row(classic(stoptime=start))


def test_the_first_and_last_times_in_range_load_on_both_paths():
    for start, stop in [("1899-12-31 19:00:00", "1899-12-31 19:10:00"),  # 1900-01-01 00:00 UTC
                        ("9998-12-31 18:00:00", "9998-12-31 18:59:59.999999")]:  # up to 9998-12-31 23:59 UTC
        fields = classic(starttime=start, stoptime=stop)
        assert LAYOUT.row(fields) == LAYOUT._careful_row(fields)
        assert LAYOUT.row(fields)[1][:4] in ("1900", "9998")


LONG = "x" * 101


@pytest.mark.parametrize(("changes", "reason"), [
    ({"bikeid": "99999999999999999999"}, "bikeid '99999999999999999999' is out of range"),
    ({"bikeid": "1.5e400"}, "bikeid '1.5e400' is out of range"),
    ({"gender": "99999"}, "gender '99999' is out of range"),
    ({"birth": "-32769"}, "birth year '-32769' is out of range"),
    ({"tripduration": "2147483648"}, "tripduration '2147483648' is out of range"),
    ({"sname": LONG}, "start station name is longer than 100 characters"),
    ({"ename": LONG}, "end station name is longer than 100 characters"),
    ({"sid": "3" * 33}, "start station id is longer than 32 characters"),
    ({"eid": "3" * 33}, "end station id is longer than 32 characters"),
    ({"usertype": "S" * 21}, "usertype is longer than 20 characters"),
    ({"sname": "Grove\x00St"}, "start station name contains a NUL character"),
    ({"usertype": "Sub\x00"}, "usertype contains a NUL character"),
])
def test_values_too_big_for_their_column_are_bad_rows_on_both_paths(changes, reason):
    fields = classic(**changes)

    for row in (LAYOUT.row, LAYOUT._careful_row):
        with pytest.raises(BadRow) as refused:
            row(fields)
        assert str(refused.value) == reason


def test_the_biggest_values_a_column_holds_load_on_both_paths():
    layout = Layout([*CLASSIC_HEADER.replace('"', "").split(","), "membership_type"])
    fields = [*classic(bikeid=str(2**63 - 1), gender="32767", birth="-32768", tripduration=str(2**31 - 1),
                       sname="n" * 100, sid="i" * 32, usertype="u" * 20, stoptime="2090-01-01 00:00:00"),
              "m" * 50]

    assert layout.row(fields) == layout._careful_row(fields)
    assert layout.row(fields)[11] == 2**63 - 1
    with pytest.raises(BadRow, match="^membership type is longer than 50 characters$"):
        layout.row([*fields[:-1], "m" * 51])
    with pytest.raises(BadRow, match="^membership type contains a NUL character$"):
        layout.row([*fields[:-1], "m\x00"])


def test_a_2021_ride_too_long_for_tripduration_is_a_bad_row():
    layout = Layout(MODERN_HEADER.split(","))
    line = "X,electric_bike,1950-07-01 10:00:00,2021-07-01 10:20:30,A,JC1,B,JC2,40.7,-74.0,40.7,-74.0,member"

    with pytest.raises(BadRow, match=r"^tripduration \d+ is out of range$"):
        layout.row(line.split(","))


def test_the_column_limits_are_the_models():
    from django.db.backends.base.operations import BaseDatabaseOperations

    ranges = BaseDatabaseOperations.integer_field_ranges
    for column, limit in rules.MAX_LENGTH.items():
        assert Trip._meta.get_field(column).max_length == limit, column
    for column, sql_type in rules.NUMBERS.items():
        field = Trip._meta.get_field(column)
        if sql_type in rules.RANGES:
            assert ranges[field.get_internal_type()] == rules.RANGES[sql_type], column
        else:
            assert field.get_internal_type() == "FloatField"
    texts = {f.name for f in Trip._meta.fields if f.get_internal_type() == "CharField"}
    assert texts == set(rules.MAX_LENGTH)


def test_times_with_an_offset_are_read_with_it():
    assert utc_text("2021-06-01T10:00:00Z", "t") == "2021-06-01 10:00:00"
    assert utc_text("2021-06-01T10:00:00-04:00", "t") == "2021-06-01 14:00:00"
    assert utc_text("2021-06-01 10:00:00.25+05:30", "t") == "2021-06-01 04:30:00.250000"
    # The first 01:30 of the November morning clocks go back (EDT), not read again as local time.
    assert utc_text("2021-11-07T05:30:00Z", "t") == "2021-11-07 05:30:00"
