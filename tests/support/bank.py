"""The bank's engine in this run, for tests that differ by it."""

from django.db import connections

from bank.retry import bank_alias


def bank_vendor() -> str:
    return connections[bank_alias()].vendor
