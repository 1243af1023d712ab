"""One app's move, start to end: check both ends, create the schema, copy, verify.

SQL targets take every table of the app in one transaction (with the sequences reset), so
a failure or Ctrl-C half-way leaves the target without a row of the app. A Cassandra
target has no transactions: there an interrupted copy is completed by `--replace`.
Verification reads the target back after the commit and compares each table's row count
and checksum with what was read from the source; a mismatch keeps the target as it is.
The source is only ever read.
"""

import io
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, transaction

from common.databases import MIGRATE_ALSO, error_summary
from moving import endpoints, parties, rows, tables, writers
from moving.endpoints import EndpointError


class MoveError(Exception):
    """The move stopped; the message (one line) says why and what the target holds."""


@dataclass
class Move:
    app: str
    to_url: str
    from_url: str | None = None
    replace: bool = False
    dry_run: bool = False
    on_rows: Callable[[str, int, int], None] = lambda table, done, total: None
    counts: dict[str, int] = field(default_factory=dict)
    stage: str = "starting"

    def run(self) -> None:
        endpoints.check_app(self.app)
        self.source = endpoints.resolve(self.app, self.from_url, "source")
        self.target = endpoints.resolve(self.app, self.to_url, "target")
        try:
            self._run()
        finally:
            endpoints.release(self.target)
            endpoints.release(self.source)

    @property
    def by_store(self) -> bool:
        """parties with Cassandra at either end: through the store interface."""
        return self.source.cassandra or self.target.cassandra

    def _run(self):
        endpoints.connect(self.source, "source")
        # A SQLite file that does not exist yet holds nothing, and a dry run does not create it.
        fresh = self.dry_run and endpoints.not_created(self.target)
        if not fresh:
            endpoints.connect(self.target, "target")
            if endpoints.same_database(self.source, self.target):
                raise EndpointError("the source and the target are the same database "
                                    f"({self.target.label()}).")
        self.models = tables.models_of(self.app)
        self.counts = self._source_counts()
        held = {} if fresh else self._target_rows()
        if held and not self.replace:
            listed = ", ".join(f"{name} ({n:,} rows)" for name, n in held.items())
            raise EndpointError(f"the target already holds {self.app} rows in {listed}; "
                                "pass --replace to overwrite them.")
        if self.dry_run:
            return
        self.stage = "schema"
        self._create_schema()
        self.stage = "copy"
        sent = self._copy_by_store() if self.by_store else self._copy_tables()
        self.stage = "verify"
        self._verify(sent)
        self.stage = "done"

    # --- what each end holds --------------------------------------------------------

    def _source_counts(self) -> dict[str, int]:
        try:
            if self.source.cassandra:
                return {"party": parties.fingerprint(parties.store_for(self.source)).rows}
            return {m._meta.db_table: tables.count(self.source.alias, m) for m in self.models}
        except DatabaseError as exc:
            raise EndpointError(f"cannot read {self.app} from the source {self.source.label()} "
                                f"({self.reason(exc)}); has `manage.py migrate_all` run there?") from None

    def _target_rows(self) -> dict[str, int]:
        if not self.target.cassandra:
            return tables.occupied(self.target.alias, self.models)
        try:
            held = parties.fingerprint(parties.store_for(self.target)).rows
        except Exception:  # noqa: BLE001 (no keyspace or table yet: nothing held)
            return {}
        return {"party": held} if held else {}

    def _create_schema(self):
        if self.target.cassandra:
            parties.sync_cassandra(self.target.alias)
            return
        MIGRATE_ALSO[self.target.alias] = self.app
        try:
            call_command("migrate", self.app, database=self.target.alias, interactive=False,
                         verbosity=0, stdout=io.StringIO())
        finally:
            MIGRATE_ALSO.pop(self.target.alias, None)

    # --- copying ----------------------------------------------------------------------

    def _copy_tables(self) -> dict:
        sent = {}
        alias = self.target.alias
        with transaction.atomic(using=alias):
            if self.replace:
                tables.delete_all(alias, self.models)
            for model in self.models:
                name = model._meta.db_table
                source, target = rows.Table(self.source.alias, model), rows.Table(alias, model)
                sent[name] = writers.write(source, target, self._progress(name))
            writers.reset_sequences(alias, self.models)
        return sent

    def _copy_by_store(self) -> dict:
        source, target = parties.store_for(self.source), parties.store_for(self.target)
        with nullcontext() if self.target.cassandra else transaction.atomic(using=self.target.alias):
            if self.replace:
                target.clear()
            return {"party": parties.copy(source, target, self._progress("party"))}

    def _progress(self, name):
        done, total = 0, self.counts.get(name, 0)

        def on_rows(n):
            nonlocal done
            done += n
            self.on_rows(name, done, total)

        return on_rows

    # --- verification -------------------------------------------------------------------

    def _verify(self, sent: dict) -> None:
        bad = []
        for name, copied in sent.items():
            if self.by_store:
                landed = parties.fingerprint(parties.store_for(self.target))
            else:
                model = next(m for m in self.models if m._meta.db_table == name)
                ends = rows.Table(self.source.alias, model), rows.Table(self.target.alias, model)
                copied, landed = writers.verify(*ends, copied)
            if (landed.rows, landed.hexdigest()) != (copied.rows, copied.hexdigest()):
                bad.append(f"{name} ({copied.rows:,} rows read, {landed.rows:,} on the target"
                           f"{', checksums differ' if landed.rows == copied.rows else ''})")
        if bad:
            raise MoveError(f"verification failed for {', '.join(bad)}; the target is kept as it is "
                            "for inspection and the source is untouched.")

    def reason(self, exc):
        return error_summary(exc, settings.DATABASES)

    def interrupted_message(self, cause: str, *, refused: bool = False) -> str:
        """One line: what the target holds after an interruption, and what to run. `refused`:
        the target refused a value, which running again would meet again."""
        where = f"{self.app} on the target {self.target.label()}"
        again = "change that value in the source, then run the same command again" if refused else \
            "run the same command again"
        if self.stage in ("starting", "schema"):
            return f"{cause} before any row was written: no row of {where}."
        if self.stage == "copy" and not self.target.cassandra:
            return f"{cause} during the copy: it was one transaction, so no row of {where} was kept; {again}."
        if self.stage == "copy":
            return (f"{cause} during the copy: part of {where} was written (Cassandra has no "
                    f"transactions); {again} with --replace to complete it.")
        return (f"{cause} during verification: every row of {where} was copied but not verified; "
                f"{again} with --replace.")
