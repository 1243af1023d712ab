"""Ctrl-C (SIGINT) and SIGTERM during load_trips: stop at once, keep nothing half-done.

While `handled()` is active (load_trips' run, main thread only), the first signal raises
`Interrupted` in the main thread at its next Python step, so every `with` and `finally` on
the way out runs: the file's transaction rolls back, the parser process ends. The main thread
cannot run a handler while it is blocked in C (a LOCK TABLE waiting for another load, an
index build), so a watcher thread, woken by `signal.set_wakeup_fd`, cancels the database
calls registered with `cancelling()`, and `stop_here()` stops the loader's other threads.
From `hold()` to `release()` (the commit) a signal waits: the commit lands whole or not at
all, and `check()` raises it once the command has recorded what it kept. Later signals raise
nothing, so the clean-up cannot be cut short. SQLite's wait for another writer (its busy
timeout) ignores interrupt(): a signal then acts when that wait ends.
"""

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
RECANCEL_SECONDS = 0.2


class Interrupted(BaseException):
    """A signal stopped the load. A BaseException, as KeyboardInterrupt is: no `except
    Exception` on the way out swallows it."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _State:
    def __init__(self):
        self.lock = threading.Lock()  # between the main thread and the watcher
        self.signum = 0  # the first signal received, 0 if none
        self.holding = self.pending = False  # in a commit; a signal came during it
        self.stopping = threading.Event()
        self.cancels: list[tuple[Callable[[], None], bool]] = []


_state = _State()


def check() -> None:
    """Raise a signal that came while a commit was held."""
    if _state.pending:
        _state.pending = False
        raise Interrupted(_state.signum)


def stop_here() -> None:
    """In the loader's other threads: give up once the main thread is stopping."""
    if _state.stopping.is_set():
        raise Interrupted(_state.signum or signal.SIGINT)


def hold() -> None:
    """From here to `release()` (a commit), a signal waits for `check()` and cancels nothing."""
    with _state.lock:
        _state.holding = True


def release() -> None:
    with _state.lock:
        _state.holding = False


@contextlib.contextmanager
def cancelling(cancel: Callable[[], None], *, until_done: bool = False) -> Iterator[None]:
    """Inside, a signal calls `cancel` (from the watcher thread) to end a blocking call;
    with `until_done`, again and again until this block is left (for a worker thread, whose
    next statement may start just after a cancel: it has nothing to clean up)."""
    entry = (cancel, until_done)
    with _state.lock:
        _state.cancels.append(entry)
    try:
        yield
    finally:
        with _state.lock:
            _state.cancels.remove(entry)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM stop the load as above (no-op outside the main thread); any
    error that leaves it after a signal leaves as Interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _state
    _state = _State()
    # A signal the process was started ignoring (`nohup`, `&` in a script) stays ignored.
    previous = {s: signal.getsignal(s) for s in SIGNALS if signal.getsignal(s) is not signal.SIG_IGN}
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    watcher = threading.Thread(target=_watch, args=(read_fd,), name="load_trips-signals", daemon=True)
    watcher.start()
    old_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    try:
        for signum in previous:
            signal.signal(signum, _on_signal)
        yield
    except BaseException as exc:
        # A signal can surface as another error first: a COPY it aborted, a cancelled query.
        if _state.signum and not isinstance(exc, Interrupted):
            raise Interrupted(_state.signum) from exc
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(old_fd)
        os.close(write_fd)  # the watcher reads the end of the pipe and returns
        watcher.join()
        os.close(read_fd)
        _state = _State()  # nothing of this run reaches a later one


def _on_signal(signum, frame):
    if _state.signum:
        return  # already stopping: the clean-up finishes
    _state.signum = signum
    if _state.holding:
        _state.pending = True
        return
    raise Interrupted(signum)


def _watch(read_fd):
    while os.read(read_fd, 64):  # a byte per signal; b"" once handled() closes the pipe
        first = True
        while _cancel_all(first):
            first = False
            time.sleep(RECANCEL_SECONDS)


def _cancel_all(first: bool) -> bool:
    """Cancel what is registered (on the first round) or registered `until_done` (on the
    next ones); whether any of the latter remain."""
    with _state.lock:
        if _state.holding:
            return False
        _state.stopping.set()
        for cancel, until_done in _state.cancels:
            if first or until_done:
                with contextlib.suppress(Exception):  # a connection already closed
                    cancel()
        return any(until_done for _, until_done in _state.cancels)
