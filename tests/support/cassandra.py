"""pytest plugin: `--emulated-cassandra` runs parties on an emulated Cassandra (mockylla).

No Cassandra or ScyllaDB server can run here, so `--emulated-cassandra` points
PARTIES_DATABASE_URL at 127.0.0.1 before settings load and patches the driver (through
mockylla) so that the real django_cassandra_engine, cqlengine and the driver's statement
classes run against an in-memory keyspace.

mockylla 0.5 as shipped cannot serve cqlengine: this module adapts it.
- cqlengine quotes identifiers ("city") and binds named parameters (%(0)s); both are
  rewritten to the bare names and positional %s mockylla parses.
- `%s` in IF clauses is left unbound by mockylla: every value is bound here instead,
  as a CQL literal made by the driver's own encoder.
- `SELECT COUNT(*) ... LIMIT n` (cqlengine's count()) trips its parser: LIMIT is dropped
  for aggregates, which is what Cassandra does with a one-row answer anyway.
- Rows come back as mockylla Row objects; cqlengine wants dict rows.
- Sessions need `encoder`; clusters need `refresh_schema_metadata` and `shutdown`.
- A statement mockylla cannot parse is answered with a string and nothing is stored:
  here it raises, and so does any string value it would mis-parse (a quote or " AND ").
A lock makes each statement atomic, as a single-node lightweight transaction is.

Without `--emulated-cassandra`, PARTIES_DATABASE_URL=cassandra://... or astra://... runs
the same Cassandra-marked tests against that cluster.
"""

import os
import re
import threading

import pytest

EMULATED_URL = "cassandra://emulated:emulated@127.0.0.1/parties_ks"

_emulator = None


def pytest_addoption(parser):
    parser.addoption(
        "--emulated-cassandra", action="store_true",
        help="Point PARTIES_DATABASE_URL at a mockylla-emulated Cassandra for this run.",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    if not early_config.known_args_namespace.emulated_cassandra:
        return
    current = os.environ.get("PARTIES_DATABASE_URL", "").strip()
    if current and current != EMULATED_URL:
        raise pytest.UsageError(
            "--emulated-cassandra: PARTIES_DATABASE_URL is already set; unset it to emulate, "
            "or drop --emulated-cassandra to test against that cluster."
        )
    os.environ["PARTIES_DATABASE_URL"] = EMULATED_URL
    start_emulator()


def pytest_unconfigure(config):
    global _emulator
    if _emulator is not None:
        _emulator.stop()
        _emulator = None


def start_emulator():
    global _emulator
    if _emulator is None:
        _emulator = Emulator()
        _emulator.start()
    return _emulator


def emulator():
    """The running emulator (its `state` holds the keyspaces), or None on a real cluster."""
    return _emulator


class EmulationLimit(NotImplementedError):
    """The emulator cannot run this statement faithfully (a real cluster can)."""


class Emulator:
    def __init__(self):
        from mockylla import MockScyllaDB

        self._mock = MockScyllaDB()
        self.state = self._mock.state
        self._patches = []

    def start(self):
        from unittest.mock import patch

        from cassandra.cluster import Cluster

        self._mock.__enter__()
        mock = self._mock
        _silence_mockylla()
        # config.health pings with SELECT release_version FROM system.local.
        local = self.state.keyspaces["system"]["tables"]["local"]
        local["schema"]["release_version"] = "text"
        local["data"][0]["release_version"] = "4.1.0 (mockylla)"

        def connect(cluster, keyspace=None, *args, **kwargs):
            from mockylla import MockMetadata

            session = CqlengineSession(keyspace=keyspace, state=mock.state, cluster=cluster)
            cluster.metadata = MockMetadata(mock.state)
            session.metadata = cluster.metadata
            return session

        cluster_methods = {
            "connect": connect, "shutdown": _no_op, "refresh_schema_metadata": _no_op,
            "refresh_keyspace_metadata": _no_op, "refresh_table_metadata": _no_op,
        }
        self._patches = [patch.object(Cluster, name, new=value) for name, value in cluster_methods.items()]
        from mockylla import MockTableMetadata

        # A second sync_table compares table options; the emulated table has none.
        self._patches.append(
            patch.object(MockTableMetadata, "_make_option_strings", new=staticmethod(lambda options: []),
                         create=True)
        )
        for p in self._patches:
            p.start()

    def stop(self):
        for p in reversed(self._patches):
            p.stop()
        self._mock.__exit__(None, None, None)

    def rows(self, keyspace, table):
        """The rows stored in `keyspace.table`, as dicts without mockylla's metadata."""
        data = self.state.keyspaces[keyspace]["tables"][table]["data"]
        return [{k: v for k, v in row.items() if not k.startswith("__")} for row in data]


def _no_op(*args, **kwargs):
    return None


def _silence_mockylla():
    # It prints every statement to stdout; failures here raise instead.
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("mockylla"):
            module.print = _no_op


def _session_base():
    from mockylla import MockSession

    return MockSession


class CqlengineSession(_session_base()):
    """A mockylla session that takes what cqlengine and the driver send."""

    _lock = threading.RLock()

    def __init__(self, **kwargs):
        from cassandra.encoder import Encoder

        super().__init__(**kwargs)
        self.encoder = Encoder()
        self.default_consistency_level = None
        self.default_serial_consistency_level = None
        self.executed = []  # (cql, consistency, serial consistency): what tests may check

    def prepare(self, query, *args, **kwargs):
        return PreparedStatement(query)

    def execute(self, query, parameters=None, timeout=None, *args, **kwargs):
        cql, consistency, serial = _statement_parts(query)
        if isinstance(query, PreparedStatement) and parameters is None:
            parameters = getattr(query, "values", None)
        cql, parameters = _bind(cql, parameters, self.encoder, self._types(cql))
        with self._lock:
            self.executed.append((cql, consistency, serial))
            result = super().execute(cql, parameters)
        if isinstance(result, str):
            # mockylla answers what it cannot parse with a message and stores nothing.
            raise EmulationLimit(f"mockylla cannot run: {cql}")
        return _dict_rows(result)

    def _types(self, cql):
        """Column name -> CQL type of the table `cql` names, where the state knows it."""
        match = re.search(r"\b(?:FROM|INTO|UPDATE)\s+([\w.\"]+)", cql, re.IGNORECASE)
        if not match:
            return {}
        keyspace, _, table = match.group(1).replace('"', "").rpartition(".")
        tables = self.state.keyspaces.get(keyspace or self.keyspace, {}).get("tables", {})
        return tables.get(table, {}).get("schema", {})

    def execute_async(self, *args, **kwargs):
        from mockylla import MockResponseFuture

        return MockResponseFuture(self.execute(*args, **kwargs))


class PreparedStatement:
    """A prepared statement with the attributes the driver's has (`?` markers)."""

    def __init__(self, query_string):
        self.query_string = query_string
        self.consistency_level = None
        self.serial_consistency_level = None

    def bind(self, values):
        statement = PreparedStatement(self.query_string)
        statement.consistency_level = self.consistency_level
        statement.serial_consistency_level = self.serial_consistency_level
        statement.values = list(values or ())
        return statement


def _statement_parts(query):
    if isinstance(query, str):
        return query, None, None
    cql = query.query_string
    return cql, getattr(query, "consistency_level", None), getattr(query, "serial_consistency_level", None)


_NAMED = re.compile(r"%\((\w+)\)s")
_MISPARSED = re.compile(r"'|\sAND\s", re.IGNORECASE)


def _bind(cql, parameters, encoder, types):
    """(cql, parameters) mockylla parses right: identifiers unquoted, and every value bound
    as a CQL literal, except in INSERT, whose values mockylla takes as they are."""
    cql = _tidy(_unquote_identifiers(cql))
    if isinstance(parameters, dict):
        order = _NAMED.findall(cql)
        cql = _NAMED.sub("%s", cql)
        parameters = [parameters[name] for name in order]
    parameters = list(parameters or ())
    parts = re.split(r"%s|\?", cql)
    if len(parts) - 1 != len(parameters):
        raise EmulationLimit(f"{len(parameters)} values for {len(parts) - 1} markers in {cql}")
    columns = _marker_columns(cql, len(parameters))
    parameters = [_plain(value, types.get(column)) for value, column in zip(parameters, columns, strict=True)]
    if cql.lstrip().upper().startswith("INSERT"):
        return "%s".join(parts), parameters or None
    out = [parts[0]]
    for value, part in zip(parameters, parts[1:], strict=True):
        if isinstance(value, str) and _MISPARSED.search(value):
            raise EmulationLimit(f"mockylla would mis-parse the value {value!r} in {cql}")
        out.append(encoder.cql_encode_all_types(value))
        out.append(part)
    return _tidy("".join(out)), None


def _marker_columns(cql, count):
    """The column each of the `count` markers in `cql` is a value of (None when unknown)."""
    insert = re.match(r"\s*INSERT\s+INTO\s+\S+\s*\(([^)]*)\)", cql, re.IGNORECASE)
    if insert:
        columns = [c.strip() for c in insert.group(1).split(",")]
        return (columns + [None] * count)[:count]
    parts = re.split(r"%s|\?", cql)[:-1]
    return [m.group(1) if (m := re.search(r"(\w+)\s*(?:=|<|>|<=|>=)\s*$", p)) else None for p in parts]


def _plain(value, cql_type):
    from cassandra.cqlengine.columns import SimpleDateType
    from cassandra.util import Date

    # cqlengine sends a date as days from 1970 plus 2**31 (the wire format), and the
    # driver's Date type elsewhere; mockylla would read either as epoch seconds.
    if cql_type == "date" and isinstance(value, int) and not isinstance(value, bool):
        return Date(value - SimpleDateType.EPOCH_OFFSET_DAYS).date()
    return value.date() if isinstance(value, Date) else value


def _unquote_identifiers(cql):
    # Outside string literals only: 'say "hi"' must keep its quotes.
    pieces = re.split(r"('(?:[^']|'')*')", cql)
    return "".join(p if p.startswith("'") else p.replace('"', "") for p in pieces)


def _tidy(cql):
    # CREATE KEYSPACE ... AND durable_writes = true: mockylla only parses the replication map.
    cql = re.sub(r"\s+AND\s+durable_writes\s*=\s*\w+\s*;?\s*$", "", cql, flags=re.IGNORECASE)
    if re.match(r"\s*SELECT\s+COUNT\s*\(", cql, re.IGNORECASE):
        return re.sub(r"\s+LIMIT\s+\d+\s*;?\s*$", "", cql, flags=re.IGNORECASE)
    return cql


def _dict_rows(result):
    from mockylla.results import ResultSet

    rows = [row.as_dict() if hasattr(row, "as_dict") else row for row in result]
    return ResultSet(rows)
