"""A real `manage.py load_trips` process, signalled at a named point (tests/support/load_trips_at.py)."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.manage import ROOT, clean_environment

AT = Path(__file__).resolve().parent / "load_trips_at.py"
CITIBIKE = ROOT.parent / "shared" / "data" / "citibike" / "classic-jc"
DECEMBER = CITIBIKE / "JC-201812-citibike-tripdata.csv"  # 20,205 trips (PROVENANCE.md)
JANUARY = CITIBIKE / "JC-201901-citibike-tripdata.csv"  # 19,676 trips
DECEMBER_TRIPS, JANUARY_TRIPS = 20_205, 19_676
TIMEOUT = 180


@dataclass
class Finished:
    status: int  # the shell's: 128 + N for a process a signal N ended
    out: str
    err: str


def environment(**urls) -> dict:
    """Settings for the child: DEBUG on (no secret needed), only the given database URLs."""
    return clean_environment(DJANGO_DEBUG="true", **urls)


def start(point: str, *files, env: dict) -> subprocess.Popen:
    """load_trips of `files` that writes `at POINT` on stderr when it gets there."""
    return subprocess.Popen(
        [sys.executable, str(AT), point, *[str(f) for f in files]],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def start_plain(*files, env: dict) -> subprocess.Popen:
    """manage.py load_trips itself, nothing changed."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "load_trips", *[str(f) for f in files]],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_until_at(process: subprocess.Popen, point: str) -> None:
    for line in process.stderr:
        if line == f"at {point}\n":
            return
    raise AssertionError(f"load_trips ended before {point}: {finish(process)}")


def finish(process: subprocess.Popen) -> Finished:
    out, err = process.communicate(timeout=TIMEOUT)
    code = process.returncode
    return Finished(128 - code if code < 0 else code, out, err)


def interrupt(process: subprocess.Popen, signum: int) -> Finished:
    process.send_signal(signum)
    return finish(process)


def run(*files, env: dict) -> Finished:
    return finish(start("none", *files, env=env))


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()
