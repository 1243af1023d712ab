"""The row producer: a trip file's good rows in batches for every engine that writes Python's
rows (SQLite, Snowflake, PostgreSQL's careful path, --dry-run). A batch is the values of up to
BATCH_ROWS rows one after another, in COLUMNS order (no tuple per row to build).

Parsing costs more CPU than SQLite's inserting, and one thread cannot do both at the speed of
a bare csv.reader + executemany (bench/trips_load.py), so a big file is parsed by a child
process while the parent inserts: a fresh interpreter running this module, which imports no
Django (forking a process that holds database connections, or setting Django up again, is
what it must not do). The child opens and hashes the Source itself; only rows cross the pipe,
as marshal (the fastest codec for lists of str, int, float and None). When the parent is
about to run out of rows, the child hands it a batch unconverted and reads on: both stay busy.
"""

import contextlib
import csv
import io
import itertools
import marshal
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import spawn
from pathlib import Path

from trips.load.rules import BadRow, Layout, add_station_hours
from trips.load.sources import Source

# Smaller sources parse in-process: a child interpreter costs ~0.1 s to start.
CHILD_FROM_BYTES = 4 << 20
# Small batches: each stays in the CPU's caches from csv.reader to SQLite, in both processes
# (batches of 2,000 rows made the whole load a third slower, measured).
BATCH_ROWS = 200
# The child hands a batch over unconverted when less than this waits in the pipe.
HAND_OVER_BELOW = 64 << 10
ROOT = Path(__file__).resolve().parents[2]
_CHILD = ("import os, sys; sys.path.insert(0, sys.argv[1]); "
          "from trips.load.rows import child_main; child_main(os.environ[sys.argv[2]], *sys.argv[3:])")
# The location goes to the child in its environment, not its command line, which any user
# of the machine can list (`ps`): a URL may hold a password or a token.
LOCATION_VARIABLE = "LOAD_TRIPS_LOCATION"


@dataclass
class Parsed:
    """What a whole source gives besides its rows; filled once every batch has been taken."""

    sha256: str = ""
    bytes: int = 0
    hours: Counter = field(default_factory=Counter)


def converted(row, where: str, records, line_of) -> tuple[list, list]:
    """(the batch of the good rows among `records`, [(where, line, reason) of each bad one]);
    line_of(n): the line record n ends on."""
    batch, bad = [], []
    extend = batch.extend
    for n, fields in enumerate(records):
        try:
            extend(row(fields))
        except BadRow as exc:
            bad.append((where, line_of(n), str(exc)))
    return batch, bad


@contextmanager
def produced(job, rows: int = 0) -> Iterator[tuple[Iterator[list], Parsed]]:
    """(the batches of job.source, of up to `rows` (else BATCH_ROWS) rows, each bad row
    reported to job.bad() before its batch comes; the Parsed summary, complete once the
    batches are exhausted)."""
    result, source, size = Parsed(), job.source, rows or BATCH_ROWS
    big = source.is_url or (source.size or 0) >= CHILD_FROM_BYTES
    child = _start(source.location, size) if big else None
    with _from_child(*child) if child else contextlib.closing(messages(source, size)) as received:
        yield _batches(received, job, result), result


def messages(source, size: int, parent_idle=lambda: False):
    """Each CSV of `source` as ("csv", where, header) then ("rows", batch, bad) messages, or
    ("raw", records, the line each ends on) when parent_idle(); ("end", sha256, bytes) last."""
    with source.csvs() as (reader, csvs):
        for where, stream in csvs:
            yield from _csv_messages(where, stream, size, parent_idle)
    yield "end", reader.sha256.hexdigest(), reader.bytes


def _csv_messages(where, stream, size, parent_idle):
    records = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=""))
    header = next(records, [])
    row = Layout(header).row  # NotATripFile here, in the child too
    yield "csv", where, header
    while True:
        if parent_idle():
            message = ("raw", *_unconverted(records, size))
        else:
            batch = itertools.islice(records, size)
            message = ("rows", *converted(row, where, batch, lambda n: records.line_num))
        if message[1:] == ([], []):
            return
        yield message


def _unconverted(records, size: int) -> tuple[list, list]:
    rows, lines = [], []
    add_row, add_line = rows.append, lines.append
    for fields in itertools.islice(records, size):
        add_row(fields)
        add_line(records.line_num)
    return rows, lines


def _batches(received, job, result):
    row = where = None
    for kind, first, second in received:
        if kind == "csv":
            where, row = first, Layout(second).row
            continue
        if kind == "end":
            result.sha256, result.bytes = first, second
            return
        if kind == "error":
            raise _unpickled(first, second)
        batch, bad = (first, second) if kind == "rows" else converted(row, where, first, second.__getitem__)
        for bad_where, line, reason in bad:
            job.bad(bad_where, line, reason)
        # Counted here, in the parent, which has CPU to spare while the child parses.
        add_station_hours(result.hours, batch)
        yield batch


def _start(location, size):
    """(the parser process, the end of its pipe to read), or None when no interpreter can
    start here (an embedded Python): then this process parses."""
    read_end, write_end = os.pipe()
    try:
        # A fresh interpreter, as multiprocessing's "spawn" starts (the same executable, see
        # its set_executable), without its re-run of the caller's __main__ in the child.
        return subprocess.Popen(  # noqa: S603 (our own interpreter and code, no shell)
            [spawn.get_executable(), "-I", "-c", _CHILD, str(ROOT), LOCATION_VARIABLE, str(write_end),
             str(size), str(HAND_OVER_BELOW)],
            pass_fds=[write_end], stdin=subprocess.DEVNULL, env={**os.environ, LOCATION_VARIABLE: location},
        ), read_end
    except (OSError, ValueError):
        os.close(read_end)
        return None
    finally:
        os.close(write_end)  # the child's: once the child is gone, a read here ends instead of waiting


@contextmanager
def _from_child(child, read_end):
    receiver = open(read_end, "rb")  # noqa: SIM115 (closed below, before the child is waited for)
    try:
        yield iter(lambda: _next(receiver, child), None)
    finally:
        # On any error here (the database's, Ctrl-C) the child may be blocked on a full pipe.
        receiver.close()
        if child.poll() is None:
            child.terminate()
        child.wait()


def _next(receiver, child):
    size = int.from_bytes(receiver.read(8), "little")
    data = receiver.read(size) if size else b""
    if not size or len(data) < size:
        raise OSError(f"the parser process stopped (exit code {child.wait()})")
    return marshal.loads(data)  # noqa: S302 (from our own child)


def _unpickled(payload, child_traceback):
    try:
        exc = pickle.loads(payload)  # noqa: S301 (our own child process wrote it)
    except Exception:  # noqa: BLE001 (an exception that does not survive pickling)
        exc = RuntimeError("the parser process failed")
    exc.add_note(f"In the parser process:\n{child_traceback}")
    return exc


def child_main(location: str, fd: str, size: str, hand_over_below: str):
    """The child's whole life: parse `location`, send its messages, or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which ends this process
    with open(int(fd), "wb") as sender:
        try:
            for message in messages(Source(location), int(size), _parent_idle(int(fd), int(hand_over_below))):
                _send(sender, message)
        except BrokenPipeError:
            return  # the parent stopped reading: it has its own error to report
        except Exception as exc:  # noqa: BLE001 (every error is the parent's to report)
            with contextlib.suppress(BrokenPipeError):
                _send(sender, ("error", _pickled(exc), traceback.format_exc()))


def _send(sender, message):
    data = marshal.dumps(message)
    sender.write(len(data).to_bytes(8, "little"))
    sender.write(data)
    sender.flush()


def _pickled(exc) -> bytes:
    try:
        return pickle.dumps(exc)
    except Exception:  # noqa: BLE001 (unpicklable: the parent reports the traceback instead)
        return b""


def _parent_idle(fd: int, hand_over_below: int):
    """A function of no arguments: whether less than `hand_over_below` bytes wait in the pipe."""
    try:
        import fcntl
        import termios
    except ImportError:
        return lambda: False  # cannot tell (not Unix): the child converts every batch
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or over the system's limit
        # Up to ~1 MB of batches waiting lets the child run ahead of a slow insert; the pipe's
        # bound is what keeps memory flat when the writer is the slower one.
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    probe = bytes(4)
    return lambda: int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, probe), sys.byteorder) < hand_over_below
