"""The row producer: a trip file's good rows in batches, for every engine that writes Python's
rows (SQLite, Snowflake, PostgreSQL's careful path, --dry-run), parsed in a child process
when the file is big. A batch is a list of the values of up to BATCH_ROWS rows one after
another, in COLUMNS order (no tuple per row to build, and `executemany`-free INSERTs).

Parsing (csv.reader and Layout.row) costs more CPU than SQLite's inserting, and one thread
cannot do both at the speed of a bare csv.reader + executemany (bench/trips_load.py). A child
process parses while the parent inserts. It opens the Source itself and hashes its bytes,
so only rows cross the pipe, as marshal (the fastest codec for lists of str, int, float and
None; both ends are the same Python).

Converting fields to values is most of a parse. When the parent is about to run out of rows
to insert, the child hands it a batch of records unconverted and reads on: the two
processes stay equally busy, whichever is the faster on the day.

The child is a fresh interpreter running this module, which imports no Django: forking a
process that holds database connections, or setting Django up again, is what it must not do.
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
_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from trips.load.rows import child_main; child_main(*sys.argv[2:])")


@dataclass
class Parsed:
    """What a whole source gives besides its rows; filled once every batch has been taken."""

    sha256: str = ""
    bytes: int = 0
    hours: Counter = field(default_factory=Counter)


class ChildTraceback(Exception):
    """The parser process's own traceback, as the cause of an error it handed back."""


def records(stream):
    """csv.reader over a binary CSV stream, as load_trips has always read one."""
    return csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=""))


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


def converted_batch(reader, row, where: str, size: int) -> tuple[list, list]:
    """converted() of the next `size` records of a csv.reader."""
    return converted(row, where, itertools.islice(reader, size), lambda n: reader.line_num)


def raw_batch(reader, size: int) -> tuple[list, list]:
    """(the next `size` records, the line each ends on), for converted() elsewhere."""
    rows, lines = [], []
    add_row, add_line = rows.append, lines.append
    for fields in itertools.islice(reader, size):
        add_row(fields)
        add_line(reader.line_num)
    return rows, lines


def batches(csvs, size: int) -> Iterator[tuple[list, list]]:
    """converted_batch() after converted_batch() of every CSV, parsed here."""
    for where, stream in csvs:
        reader = records(stream)
        row = Layout(next(reader, [])).row
        while (batch := converted_batch(reader, row, where, size)) != ([], []):
            yield batch


@contextmanager
def produced(job, rows: int = 0) -> Iterator[tuple[Iterator[list], Parsed]]:
    """(the batches of job.source, of up to `rows` (else BATCH_ROWS) rows, each bad row
    reported to job.bad() before its batch comes; the Parsed summary, complete once the
    batches are exhausted)."""
    result, source, size = Parsed(), job.source, rows or BATCH_ROWS
    big = source.is_url or (source.size or 0) >= CHILD_FROM_BYTES
    child = _start(source.location, size) if big else None
    with (_in_child(*child, result) if child else _in_process(source, size, result)) as received:
        yield _reported(received, job, result.hours), result


def _reported(received, job, hours):
    for batch, bad in received:
        for where, line, reason in bad:
            job.bad(where, line, reason)
        # Counted here, in the parent, which has CPU to spare while the child parses.
        add_station_hours(hours, batch)
        yield batch


@contextmanager
def _in_process(source, size, result):
    with source.csvs() as (reader, csvs):
        yield batches(csvs, size)
    result.sha256, result.bytes = reader.sha256.hexdigest(), reader.bytes


def _start(location, size):
    """(the parser process, the end of its pipe to read), or None when no interpreter can
    start here (an embedded Python): then this process parses."""
    read_end, write_end = os.pipe()
    try:
        # A fresh interpreter, as multiprocessing's "spawn" starts (the same executable, see
        # its set_executable), without its re-run of the caller's __main__ in the child.
        return subprocess.Popen(  # noqa: S603 (our own interpreter and code, no shell)
            [spawn.get_executable(), "-I", "-c", _CHILD, str(ROOT), location, str(write_end),
             str(size), str(HAND_OVER_BELOW)],
            pass_fds=[write_end], stdin=subprocess.DEVNULL,
        ), read_end
    except (OSError, ValueError):
        os.close(read_end)
        return None
    finally:
        os.close(write_end)  # the child's: once the child is gone, a read here ends instead of waiting


@contextmanager
def _in_child(child, read_end, result):
    receiver = open(read_end, "rb")  # noqa: SIM115 (closed below, before the child is waited for)
    try:
        yield _received(receiver, child, result)
    finally:
        # On any error here (the database's, Ctrl-C) the child may be blocked on a full pipe.
        receiver.close()
        if child.poll() is None:
            child.terminate()
        child.wait()


def _received(receiver, child, result):
    row = where = None
    while True:
        message = _next(receiver, child)
        if message[0] == "rows":
            yield message[1], message[2]
        elif message[0] == "raw":
            yield converted(row, where, message[1], message[2].__getitem__)
        elif message[0] == "csv":
            where, row = message[1], Layout(message[2]).row
        elif message[0] == "end":
            result.sha256, result.bytes = message[1], message[2]
            return
        else:
            raise _unpickled(message[1], message[2])


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
        exc = RuntimeError(f"the parser process failed:\n{child_traceback}")
    exc.__cause__ = ChildTraceback(child_traceback)
    return exc


def child_main(location: str, fd: str, size: str, hand_over_below: str):
    """The child's whole life: parse `location`, send batches, then the summary or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which ends this process
    with open(int(fd), "wb") as sender:
        parent_idle = _parent_idle(sender.fileno(), int(hand_over_below))
        try:
            with Source(location).csvs() as (reader, csvs):
                for where, stream in csvs:
                    _send_csv(sender, where, stream, int(size), parent_idle)
            _send(sender, ("end", reader.sha256.hexdigest(), reader.bytes))
        except BrokenPipeError:
            return  # the parent stopped reading: it has its own error to report
        except Exception as exc:  # noqa: BLE001 (every error is the parent's to report)
            with contextlib.suppress(BrokenPipeError):
                _send(sender, ("error", _pickled(exc), traceback.format_exc()))


def _send_csv(sender, where, stream, size, parent_idle):
    reader = records(stream)
    header = next(reader, [])
    row = Layout(header).row  # NotATripFile here, as in-process
    _send(sender, ("csv", where, header))
    while True:
        if parent_idle():
            message = ("raw", *raw_batch(reader, size))
        else:
            message = ("rows", *converted_batch(reader, row, where, size))
        if message[1:] == ([], []):
            return
        _send(sender, message)


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
