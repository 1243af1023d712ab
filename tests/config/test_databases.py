"""Each DATABASE_URL scheme yields the engine and settings its backend expects."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from common.databases import mask_url, parse_url
from config.databases import build_databases
from config.env import BASE_DIR


def parse(url, variable="TRIPS_DATABASE_URL", allow_cassandra=False):
    return parse_url(variable, url, allow_cassandra=allow_cassandra)


def test_without_any_url_default_is_an_sqlite_file_in_the_project_root():
    databases = build_databases({})

    assert list(databases) == ["default"]
    # Django's SQLite backend with the in-process write lock (config/backends/sqlite3).
    assert databases["default"]["ENGINE"] == "config.backends.sqlite3"
    assert databases["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")


def test_sqlite_waits_for_writers_instead_of_failing():
    options = parse("sqlite:///relative.db")["OPTIONS"]

    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_sqlite_relative_and_absolute_paths():
    assert parse("sqlite:///relative.db")["NAME"] == str(BASE_DIR / "relative.db")
    assert parse("sqlite:////abs/path.db")["NAME"] == "/abs/path.db"


def test_postgres_keeps_sslmode_and_health_checks():
    config = parse("postgresql://alex:pw@ep-cool-rain-123.us-east-2.aws.neon.tech/neondb?sslmode=require")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "ep-cool-rain-123.us-east-2.aws.neon.tech"
    assert (config["PORT"], config["NAME"]) == ("", "neondb")
    assert (config["USER"], config["PASSWORD"]) == ("alex", "pw")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["CONN_HEALTH_CHECKS"] is True
    assert not config.get("DISABLE_SERVER_SIDE_CURSORS")


def test_connections_close_after_each_request_unless_a_fixed_thread_pool_asks_to_keep_them():
    url = "postgres://alex:pw@127.0.0.1:5432/tutorials"

    assert parse(url)["CONN_MAX_AGE"] == 0
    assert parse_url("DATABASE_URL", url, allow_cassandra=False, conn_max_age=600)["CONN_MAX_AGE"] == 600
    assert build_databases({"DATABASE_URL": url}, conn_max_age=600)["default"]["CONN_MAX_AGE"] == 600


def test_a_neon_pooler_host_disables_server_side_cursors():
    config = parse("postgres://alex:pw@ep-cool-rain-123-pooler.us-east-2.aws.neon.tech:5432/neondb?sslmode=require")

    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert config["PORT"] == 5432


@pytest.mark.parametrize("scheme", ["cockroachdb", "cockroach"])
def test_cockroachdb_takes_its_tls_and_cluster_options_from_the_query(scheme):
    config = parse(
        f"{scheme}://maxroach:pw@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/bank"
        "?sslmode=verify-full&sslrootcert=/certs/root.crt&sslcert=/certs/client.crt"
        "&sslkey=/certs/client.key&options=--cluster%3Dcool-cluster-123"
    )

    assert config["ENGINE"] == "django_cockroachdb"
    assert config["NAME"] == "bank" and config["PORT"] == 26257
    assert config["OPTIONS"] == {
        "sslmode": "verify-full", "sslrootcert": "/certs/root.crt", "sslcert": "/certs/client.crt",
        "sslkey": "/certs/client.key", "options": "--cluster=cool-cluster-123", "connect_timeout": 5,
    }


def test_cockroachdb_defaults_to_its_own_port():
    assert parse("cockroachdb://root@localhost/bank?sslmode=disable")["PORT"] == 26257


def test_snowflake_splits_account_database_schema_and_warehouse():
    config = parse(
        "snowflake://DJANGO_USER:pw@myorg-myaccount/CITIBIKE/PUBLIC"
        "?warehouse=COMPUTE_WH&role=SYSADMIN&authenticator=snowflake"
    )

    assert config["ENGINE"] == "django_snowflake"
    assert config["ACCOUNT"] == "myorg-myaccount"
    assert (config["NAME"], config["SCHEMA"], config["WAREHOUSE"]) == ("CITIBIKE", "PUBLIC", "COMPUTE_WH")
    assert config["OPTIONS"]["role"] == "SYSADMIN"
    assert config["OPTIONS"]["authenticator"] == "snowflake"
    assert config["OPTIONS"]["client_session_keep_alive"] is True
    assert config["OPTIONS"]["network_timeout"] > 0


def test_snowflake_without_a_warehouse_is_refused_with_the_expected_form():
    with pytest.raises(ImproperlyConfigured, match=r"missing WAREHOUSE.*ACCOUNT/DATABASE/SCHEMA"):
        parse("snowflake://u:pw@acct/DB/SCHEMA")


def test_cassandra_takes_hosts_port_and_keyspace_and_connects_lazily():
    config = parse("cassandra://cass:pw@10.0.0.1,10.0.0.2:9042/parties", "PARTIES_DATABASE_URL", True)

    assert config["ENGINE"] == "django_cassandra_engine"
    assert (config["HOST"], config["NAME"]) == ("10.0.0.1,10.0.0.2", "parties")
    connection = config["OPTIONS"]["connection"]
    assert connection["port"] == 9042 and connection["lazy_connect"] is True
    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT

    profile = connection["execution_profiles"][EXEC_PROFILE_DEFAULT]
    assert profile.consistency_level == ConsistencyLevel.LOCAL_QUORUM
    assert profile.serial_consistency_level == ConsistencyLevel.LOCAL_SERIAL
    assert "cloud" not in connection


def test_astra_uses_the_secure_connect_bundle(tmp_path):
    bundle = tmp_path / "secure-connect-parties.zip"
    bundle.write_bytes(b"PK")

    url = f"astra://token:AstraCS:abc:def@/parties?secure_bundle={bundle}"
    config = parse(url, "PARTIES_DATABASE_URL", True)

    assert config["ENGINE"] == "django_cassandra_engine"
    assert (config["USER"], config["PASSWORD"], config["NAME"]) == ("token", "AstraCS:abc:def", "parties")
    assert config["OPTIONS"]["connection"]["cloud"] == {"secure_connect_bundle": str(bundle)}


def test_every_app_url_makes_an_alias_named_after_the_app(tmp_path):
    databases = build_databases({
        "DATABASE_URL": "postgres://u@localhost/site",
        "TRIPS_DATABASE_URL": "snowflake://u:p@acct/DB/PUBLIC?warehouse=WH",
        "BANK_DATABASE_URL": "cockroachdb://root@localhost:26257/bank",
        "PARTIES_DATABASE_URL": "cassandra://localhost/parties",
        "CATALOG_DATABASE_URL": "postgres://u:p@ep-x.neon.tech/neondb?sslmode=require",
        "COUNTER_DATABASE_URL": f"sqlite:///{tmp_path}/counter.db",
    })

    assert {alias: db["ENGINE"] for alias, db in databases.items()} == {
        "default": "django.db.backends.postgresql",
        "trips": "django_snowflake",
        "bank": "django_cockroachdb",
        "parties": "django_cassandra_engine",
        "catalog": "django.db.backends.postgresql",
        "counter": "config.backends.sqlite3",
    }


def test_the_bank_on_postgresql_runs_serializable():
    from psycopg2.extensions import ISOLATION_LEVEL_SERIALIZABLE

    databases = build_databases({"BANK_DATABASE_URL": "postgres://u@localhost/bank"})

    assert databases["bank"]["OPTIONS"]["isolation_level"] == ISOLATION_LEVEL_SERIALIZABLE


@pytest.mark.parametrize(
    ("variable", "url", "problem"),
    [
        ("TRIPS_DATABASE_URL", "mysql://u:hunter2@host/db", "unknown scheme 'mysql'"),
        ("CATALOG_DATABASE_URL", "postgres://u:hunter2@host", "names no database"),
        ("DATABASE_URL", "postgres://u:hunter2@host:port/db", "cannot parse"),
        ("BANK_DATABASE_URL", "cassandra://u:hunter2@host/ks", "only for parties"),
        ("COUNTER_DATABASE_URL", "just-a-path.db", "not a URL"),
        ("PARTIES_DATABASE_URL", "astra://token:hunter2@/ks", "secure_bundle"),
    ],
)
def test_a_bad_url_names_the_variable_and_the_accepted_schemes_but_never_the_password(variable, url, problem):
    with pytest.raises(ImproperlyConfigured) as raised:
        build_databases({variable: url})

    message = str(raised.value)
    assert message.startswith(f"{variable}=")
    assert problem in message
    assert "sqlite://, postgres://" in message
    assert "hunter2" not in message


def test_mask_url_hides_passwords_and_astra_tokens():
    assert mask_url("postgres://u:secret@h/db") == "postgres://u:***@h/db"
    assert "AstraCS" not in mask_url("astra://token:AstraCS:a:b@/ks")
    assert mask_url("sqlite:///x.db") == "sqlite:///x.db"
