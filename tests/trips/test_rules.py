"""The parsing rules, without a database."""

import pytest

from tests.trips.conftest import CLASSIC_HEADER, MODERN_HEADER
from trips.load.rules import BadRow, Layout, NotATripFile, utc_text


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
