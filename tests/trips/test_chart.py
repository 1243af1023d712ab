import pytest

from trips.chart import HEIGHT, LEFT, WIDTH, hour_chart, nice_step


@pytest.mark.parametrize(("top", "step"), [(0, 1), (3, 1), (7, 2), (15, 5), (384, 100), (12345, 5000)])
def test_the_count_axis_steps_are_one_two_or_five_times_a_power_of_ten(top, step):
    assert nice_step(top) == step


def test_the_count_axis_starts_at_zero_and_covers_the_busiest_hour_in_a_few_ticks():
    chart = hour_chart([0] * 8 + [384] + [10] * 15)

    assert [t["count"] for t in chart["ticks"]] == [0, 100, 200, 300, 400]
    zero, top = chart["ticks"][0], chart["ticks"][-1]
    assert zero["y"] == chart["bottom"] and top["y"] == chart["top"]
    busiest = chart["bars"][8]
    assert busiest["y"] + busiest["height"] == chart["bottom"]
    assert busiest["height"] == pytest.approx((chart["bottom"] - chart["top"]) * 384 / 400, abs=0.1)


def test_there_is_a_bar_for_every_hour_and_a_label_every_three_hours_inside_the_chart():
    chart = hour_chart(list(range(24)))

    assert [b["hour"] for b in chart["bars"]] == list(range(24))
    assert [h["hour"] for h in chart["hours"] if h["label"]] == [0, 3, 6, 9, 12, 15, 18, 21]
    assert all(b["x"] >= LEFT and b["x"] + b["width"] <= chart["right"] <= WIDTH for b in chart["bars"])
    assert chart["bottom"] < HEIGHT


def test_a_station_without_trips_still_has_an_axis():
    chart = hour_chart([0] * 24)

    assert [t["count"] for t in chart["ticks"]] == [0, 1]
    assert all(b["height"] == 0 for b in chart["bars"])
