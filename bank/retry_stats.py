"""How often the retry helper ran a transaction again or gave up, for the benchmark
(bench/bank_transfers.py) and the tests: process-wide, thread-safe counters."""

import threading
from dataclasses import dataclass


@dataclass
class Stats:
    """Process-wide counters, read by the benchmark and the tests."""

    retries: int = 0
    exhausted: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()

    def add(self, retries=0, exhausted=0):
        with self._lock:
            self.retries += retries
            self.exhausted += exhausted

    def reset(self):
        with self._lock:
            self.retries = self.exhausted = 0


stats = Stats()
