"""Clicks that arrive while a click's statement runs share the next statement, each with its
own value. `send` here stands for the statement, so the test can hold it open."""

import threading
import time

from counter.batching import ClickBatcher
from tests.support.threads import run_in_threads

WAITING = 7


def test_clicks_arriving_while_a_statement_runs_share_the_next_one_with_consecutive_values():
    batcher = ClickBatcher()

    sizes, values = _first_statement_held(batcher, lambda clicks: 1 + clicks, lambda click: click(), WAITING)

    assert sizes == [1, WAITING]
    assert sorted(values) == list(range(2, WAITING + 2))
    assert batcher._names == {}  # nothing kept once no batch is open


def test_a_failed_statement_fails_every_click_of_its_batch_and_the_next_batch_counts_from_the_row():
    batcher = ClickBatcher()

    def failing(clicks):
        raise RuntimeError("database is locked")

    sizes, outcomes = _first_statement_held(batcher, failing, _outcome, 3)

    assert sizes == [1, 3]
    assert outcomes == ["RuntimeError"] * 3
    assert batcher.click("hot", lambda clicks: 1 + clicks) == 2


def _first_statement_held(batcher, later, meanwhile, threads):
    """One click on "hot" whose statement (it returns 1) is held open while `threads` others
    click through `meanwhile(click)`; the statements after it are `later(clicks)`. (each
    statement's size, what each `meanwhile` returned)."""
    sizes, first_running, release = [], threading.Event(), threading.Event()

    def send(clicks):
        sizes.append(clicks)
        if len(sizes) > 1:
            return later(clicks)
        first_running.set()
        assert release.wait(10)
        return 1

    first = threading.Thread(target=lambda: batcher.click("hot", send))
    first.start()
    assert first_running.wait(10)
    threading.Timer(0.3, release.set).start()  # the others have joined by then
    results = run_in_threads(lambda _: meanwhile(lambda: batcher.click("hot", send)), threads)
    first.join(10)
    return sizes, results


def test_clicks_on_other_names_do_not_wait_for_each_other():
    batcher, running = ClickBatcher(), threading.Barrier(2)

    def send(clicks):
        running.wait(5)  # both statements run at once, or this times out
        return clicks

    assert run_in_threads(lambda i: batcher.click(f"name-{i}", send), 2) == [1, 1]


def _outcome(call):
    try:
        return call()
    except RuntimeError as exc:
        return type(exc).__name__


def test_many_threads_clicking_get_every_value_once():
    threads = 16
    batcher, lock, total = ClickBatcher(), threading.Lock(), [0]

    def send(clicks):
        time.sleep(0.001)
        with lock:
            total[0] += clicks
            return total[0]

    values = run_in_threads(lambda _: [batcher.click("hot", send) for _ in range(50)], threads)

    assert sorted(v for vs in values for v in vs) == list(range(1, threads * 50 + 1))
