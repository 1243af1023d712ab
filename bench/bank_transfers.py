"""Transfers per second on hot and on uniform accounts, in one run, with retries and exhaustion.

Two workloads, one after the other, each on fresh accounts of 1000.00: `hot` (CLIENTS
clients moving money among --hot accounts, 5 by default, so nearly every transfer shares
an account with another one in flight) and `uniform` (the same clients among --uniform
accounts, 1,000 by default, so transfers rarely share one). After each, the money in its
accounts must still sum to the start and every balance must match the ledger.

    BANK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bank_bench \
        .venv/bin/python bench/bank_transfers.py --clients 16 --transfers 300

Through the service layer (default: CLIENTS worker processes, each with its own database
connection, calling bank.services.transfer) or over HTTP against a running server
(--url http://127.0.0.1:8000). It creates the database a postgres:// BANK_DATABASE_URL
names if missing and migrates the bank's alias. The ratio uniform/hot is the point: a
bank that serialises every transfer shows about 1.0; one that only serialises transfers
sharing an account shows more. Exits 1 if money moved wrongly or retries ran out.
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

OPENING = Decimal("1000.00")
TARGET_RATIO = 1.2
FLOOR_RATIO = 0.9  # hot with per-account locks against hot with the table fence


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--hot", type=int, default=5, help="accounts of the hot workload")
    parser.add_argument("--uniform", type=int, default=1000, help="accounts of the uniform workload")
    parser.add_argument("--transfers", type=int, default=300, help="per client and workload")
    parser.add_argument("--url", help="base URL of a running server (127.0.0.1 only); default: service layer")
    parser.add_argument("--threads", action="store_true", help="clients as threads of this process")
    parser.add_argument("--locking", choices=["accounts", "table"],
                        help="force PostgreSQL's transfer locking (default: what the bank picks)")
    parser.add_argument("--floor", action="store_true",
                        help="first run the hot workload with --locking table, the fence every transfer "
                             "used to queue on, and compare hot with it")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must point at 127.0.0.1 or localhost")
    return args


def setup(args):
    import django

    from bench.httpload import create_postgres_database

    create_postgres_database(os.environ.get("BANK_DATABASE_URL", ""))

    django.setup()
    from django.core.management import call_command

    from bank.retry import bank_alias

    call_command("migrate", "bank", database=bank_alias(), verbosity=0)
    if args.locking:
        from django.conf import settings

        settings.BANK_TRANSFER_LOCKING = args.locking


def open_accounts(count):
    from bank.models import Account, Customer

    customer = Customer.objects.create(name=f"bench {time.strftime('%H:%M:%S')}")
    accounts = [Account(customer=customer, balance=OPENING) for _ in range(count)]
    accounts = Account.objects.bulk_create(accounts)
    return [str(account.pk) for account in accounts]


def service_client(accounts, transfers, seed):
    from django.db import connections

    from bank import services
    from bank.retry import RetriesExhausted
    from bank.retry_stats import stats

    rng, outcome = random.Random(seed), {"ok": 0, "insufficient": 0, "exhausted": 0}
    before = stats.retries  # per process; threads share it and run_clients counts it once
    try:
        for _ in range(transfers):
            source, destination = rng.sample(accounts, 2)
            try:
                services.transfer(source_id=source, destination_id=destination,
                                  amount=Decimal(rng.randint(1, 20)))
                outcome["ok"] += 1
            except services.Conflict:
                outcome["insufficient"] += 1
            except RetriesExhausted:
                outcome["exhausted"] += 1
    finally:
        connections.close_all()
    return outcome | {"retries": stats.retries - before}


def http_client(url, accounts, transfers, seed):
    rng, outcome = random.Random(seed), {"ok": 0, "insufficient": 0, "exhausted": 0, "other": 0}
    for _ in range(transfers):
        source, destination = rng.sample(accounts, 2)
        body = json.dumps({"from": source, "to": destination, "amount": f"{rng.randint(1, 20)}.00"}).encode()
        request = urllib.request.Request(  # noqa: S310 - http to 127.0.0.1 only
            f"{url.rstrip('/')}/api/bank/transfer/", data=body,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http to 127.0.0.1
                response.read()
                outcome["ok"] += 1
        except urllib.error.HTTPError as exc:
            key = {409: "insufficient", 503: "exhausted"}.get(exc.code, "other")
            outcome[key] += 1
    return outcome | {"retries": None}


def run_clients(args, accounts):
    jobs = [(accounts, args.transfers, seed) for seed in range(args.clients)]
    target = service_client if not args.url else http_client
    if args.url:
        jobs = [(args.url, *job) for job in jobs]
    from django.db import connections

    connections.close_all()  # children must not share this process's connection
    if args.threads or args.url:
        from concurrent.futures import ThreadPoolExecutor

        from bank.retry_stats import stats

        stats.reset()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(lambda job: target(*job), jobs))
        if not args.url:
            # The counters are per process, shared by the threads: count them once.
            for result in results:
                result["retries"] = 0
            results[0]["retries"] = stats.retries
        return results
    with multiprocessing.get_context("fork").Pool(args.clients) as pool:
        return pool.starmap(target, jobs)


def verify(accounts):
    """The money is all there and the ledger explains every balance; returns the total."""
    from django.db.models import Sum

    from bank.models import Account, Transfer

    balances = dict(Account.objects.filter(pk__in=accounts).values_list("pk", "balance"))
    moves = Transfer.objects.filter(source__in=accounts)
    out = dict(moves.values_list("source").annotate(total=Sum("amount")).order_by())
    into = dict(moves.values_list("destination").annotate(total=Sum("amount")).order_by())
    for pk, balance in balances.items():
        expected = OPENING - (out.get(pk) or 0) + (into.get(pk) or 0)
        assert balance == expected, f"account {pk}: balance {balance} but the ledger says {expected}"
    total = sum(balances.values())
    assert total == OPENING * len(accounts), f"money changed: {total}"
    assert min(balances.values()) >= 0
    return total


def run_workload(args, name, count):
    accounts = open_accounts(count)
    started = time.perf_counter()
    results = run_clients(args, accounts)
    elapsed = time.perf_counter() - started
    total = verify(accounts)
    summary = {key: sum(r[key] or 0 for r in results) for key in results[0]}
    attempted = args.clients * args.transfers
    rate = summary["ok"] / elapsed
    print(f"{name:8} {count:6} accounts: {attempted} attempted in {elapsed:.2f} s, committed {summary['ok']} "
          f"= {rate:.0f}/s; insufficient funds {summary['insufficient']}, retries {summary['retries']}, "
          f"exhausted {summary['exhausted']}; money {total} verified against the ledger", flush=True)
    return rate, summary["exhausted"]


def main():
    args = parse_args()
    setup(args)
    from django.conf import settings

    from bank.retry import bank_alias
    from common.databases import describe

    database = describe(settings.DATABASES[bank_alias()])
    locking = getattr(settings, "BANK_TRANSFER_LOCKING", "(this version has no choice)")
    print(f"engine: {database['vendor']} {database['name']}  via: {args.url or 'service layer'}  "
          f"clients: {args.clients} {'threads' if args.threads or args.url else 'processes'}  "
          f"locking: {locking}", flush=True)
    exhausted, floor = 0, None
    if args.floor:
        chosen, settings.BANK_TRANSFER_LOCKING = locking, "table"
        floor, exhausted = run_workload(args, "hot/table", args.hot)
        settings.BANK_TRANSFER_LOCKING = chosen
    hot, hot_exhausted = run_workload(args, "hot", args.hot)
    uniform, uniform_exhausted = run_workload(args, "uniform", args.uniform)
    exhausted += hot_exhausted + uniform_exhausted
    ratio = uniform / hot
    print(f"uniform / hot = {ratio:.2f} ({'meets' if ratio >= TARGET_RATIO else 'misses'} the "
          f"{TARGET_RATIO} target); exhausted: {exhausted}")
    if floor:
        print(f"hot / hot with the table fence = {hot / floor:.2f} "
              f"({'meets' if hot / floor >= FLOOR_RATIO else 'misses'} the {FLOOR_RATIO} target)")
    return 1 if exhausted else 0


if __name__ == "__main__":
    sys.exit(main())
