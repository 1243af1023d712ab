"""Run a whole transaction again when the database says it could not serialize it.

CockroachDB (always) and PostgreSQL at SERIALIZABLE abort one of two conflicting
transactions with SQLSTATE 40001 and expect the client to run it again from BEGIN. So
the helper owns the `atomic()` block: retrying a statement inside a transaction that the
database has already aborted can never work. The tutorial's decorator got this wrong in
each of its versions (it caught the wrong exception, or returned None when it gave up).
"""

import logging
import random
import time

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, InterfaceError, connections, router, transaction

from bank.isolation import make_serializable
from bank.retry_stats import stats
from common import sqlstate
from common.errors import Busy, OutcomeUnknown

logger = logging.getLogger(__name__)

SERIALIZATION_FAILURE = "40001"


class RetriesExhausted(Busy):
    """Every attempt met a serialization failure; the client should try again later."""

    def __init__(self, attempts: int, retry_after: int):
        super().__init__(f"The bank is busy: this write met a conflicting one {attempts} times in a row. "
                         f"Nothing was changed; try again in {retry_after} s.", retry_after=retry_after)
        self.attempts = attempts


def is_serialization_failure(exc: BaseException | None) -> bool:
    """Is there a 40001 anywhere in the exception's chain? Anywhere, not only first: a
    failed ROLLBACK or a wrapper may stand in front of the database's answer."""
    return sqlstate.anywhere(exc, SERIALIZATION_FAILURE)


def backoff_delay(attempt: int, base: float, cap: float, rand=None) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(attempt-1))] (AWS architecture blog)."""
    return (rand or random.random)() * min(cap, base * 2 ** (attempt - 1))


def bank_alias() -> str:
    return router.db_for_write(apps.get_model("bank", "Account"))


def run_in_transaction(fn, *args, using=None, attempts=None, sleep=time.sleep, **kwargs):
    """`fn(*args, **kwargs)` inside `atomic()`, run again on 40001 with capped backoff.

    Inside an outer transaction (a caller's atomic block, a test case) it runs once: only
    the owner of the outermost transaction can retry it.
    """
    using = using or bank_alias()
    attempts = attempts or settings.BANK_RETRY_ATTEMPTS
    connection = connections[using]
    if connection.in_atomic_block:
        with transaction.atomic(using=using):
            return fn(*args, **kwargs)

    def attempt():
        ran = False
        try:
            with transaction.atomic(using=using):
                make_serializable(connection)
                result = fn(*args, **kwargs)
                ran = True
        except (DatabaseError, InterfaceError) as exc:
            if ran and sqlstate.connection_lost(exc):  # raised by the COMMIT itself
                raise outcome_unknown() from exc
            raise
        return result

    return retry_loop(attempt, name=_name(fn), attempts=attempts, sleep=sleep)


def outcome_unknown() -> OutcomeUnknown:
    return OutcomeUnknown("this change", "Look for it (GET /api/bank/transfer/ lists the ledger, "
                                         "newest first)")


def retry_loop(attempt, *, name: str, attempts: int | None = None, sleep=time.sleep):
    """`attempt()`, which runs one whole transaction, again on 40001 with capped backoff."""
    attempts = attempts or settings.BANK_RETRY_ATTEMPTS
    for number in range(1, attempts + 1):
        try:
            return attempt()
        except Exception as exc:
            if not is_serialization_failure(exc):
                raise
            if number == attempts:
                stats.add(exhausted=1)
                logger.error("%s: serialization failure on attempt %d of %d; giving up",
                             name, number, attempts)
                raise RetriesExhausted(attempts, retry_after=_retry_after()) from exc
            delay = backoff_delay(number, settings.BANK_RETRY_BASE_DELAY, settings.BANK_RETRY_MAX_DELAY)
            stats.add(retries=1)
            logger.warning("%s: serialization failure (40001) on attempt %d of %d; retrying in %.1f ms",
                           name, number, attempts, delay * 1000)
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _retry_after() -> int:
    return max(1, round(settings.BANK_RETRY_MAX_DELAY * 2))


def _name(fn) -> str:
    return getattr(fn, "__qualname__", repr(fn))
