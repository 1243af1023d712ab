"""Parse in one thread while the database writes in another.

sqlite3 and the Snowflake connector release the GIL while the database works, so
Python's parsing of the next batch overlaps the insert of the previous one. The queue is
short, so memory stays bounded whatever the file size.
"""

import itertools
import queue
import threading
from collections.abc import Iterator

_DONE = object()


def batches(rows: Iterator[tuple], size: int, depth: int = 2) -> Iterator[list[tuple]]:
    """Lists of up to `size` rows, produced by a background thread; its errors re-raise here."""
    pipe: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            while not stop.is_set():
                batch = list(itertools.islice(rows, size))
                if not batch:
                    break
                _put(pipe, stop, batch)
            _put(pipe, stop, _DONE)
        except BaseException as exc:  # noqa: BLE001 (handed to the consumer, re-raised there)
            _put(pipe, stop, exc)

    worker = threading.Thread(target=produce, name="load_trips-parser", daemon=True)
    worker.start()
    try:
        while (item := pipe.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _put(pipe, stop, item):
    while not stop.is_set():
        try:
            pipe.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
