"""Run work in real threads, each with its own database connections."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def _closing(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            # Each thread opened its own connections; close them so the test database
            # can be dropped afterwards.
            connections.close_all()

    return run


def run_in_threads(fn, count: int, *, args_for=lambda i: (i,)):
    """Call `fn(*args_for(i))` for i in range(count), all threads released at once.

    Returns the results in order; re-raises the first exception a thread raised.
    """
    barrier = threading.Barrier(count)

    def start_together(i):
        barrier.wait(timeout=30)
        return fn(*args_for(i))

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(_closing(start_together), i) for i in range(count)]
        return [f.result(timeout=300) for f in futures]
