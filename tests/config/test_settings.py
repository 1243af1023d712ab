"""Settings decisions made at start-up, checked in a fresh `manage.py` process each."""

import subprocess
import sys

from tests.support.manage import clean_environment, manage, project_copy

PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "tutorials.example.com",
}


def test_with_debug_off_the_secret_key_and_allowed_hosts_are_required(tmp_path):
    result = manage("check", env=clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"))

    assert result.returncode != 0
    assert result.stderr.startswith("Error: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_check_deploy_with_production_variables_reports_no_issues(tmp_path):
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **PRODUCTION)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_ssl_redirect_off_behind_a_tls_proxy_silences_only_that_deploy_check(tmp_path):
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                            DJANGO_SECURE_SSL_REDIRECT="false", **PRODUCTION)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    hsts_off = manage("check", "--deploy", "--fail-level", "WARNING",
                      env={**env, "DJANGO_SECURE_HSTS_SECONDS": "0"})

    assert result.returncode == 0, result.stderr
    assert "no issues (1 silenced)" in result.stdout
    assert hsts_off.returncode != 0 and "security.W004" in hsts_off.stderr


def test_all_five_engines_configured_pass_check_without_any_server(tmp_path):
    bundle = tmp_path / "secure-connect.zip"
    bundle.write_bytes(b"PK")
    env = clean_environment(
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path}/default.db",
        TRIPS_DATABASE_URL="snowflake://u:sfpass@nowhere-account/DB/PUBLIC?warehouse=WH",
        BANK_DATABASE_URL="cockroachdb://root:crdbpass@127.0.0.1:1/bank",
        PARTIES_DATABASE_URL="cassandra://cass:casspass@127.0.0.1:1/parties",
        CATALOG_DATABASE_URL="postgres://u:pgpass@127.0.0.1:1/catalog",
        COUNTER_DATABASE_URL=f"sqlite:///{tmp_path}/counter.db",
    )

    result = manage("check", env=env)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_url_stops_start_up_naming_the_variable_without_the_password(tmp_path):
    env = clean_environment(DJANGO_DEBUG="true", CATALOG_DATABASE_URL="neon://alex:s3cret@ep-x.neon.tech/db")

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "CATALOG_DATABASE_URL='neon://alex:***@ep-x.neon.tech/db': unknown scheme 'neon'" in result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout


def test_the_dotenv_file_is_read_from_the_project_root_and_real_variables_win(tmp_path):
    # A copy of the project whose root holds a .env, run from another directory.
    project = project_copy(tmp_path)
    (project / ".env").write_text(f"DJANGO_DEBUG=true\nCOUNTER_DATABASE_URL=sqlite:///{tmp_path}/dotenv.db\n")
    code = "from django.conf import settings; print(settings.DATABASES['counter']['NAME'], settings.DEBUG)"

    def run(**overrides):
        env = clean_environment(**overrides)
        for name in {"DJANGO_DEBUG", "COUNTER_DATABASE_URL"} - set(overrides):
            del env[name]  # absent, so the .env file may set them
        return subprocess.run(
            [sys.executable, str(project / "manage.py"), "shell", "-v0", "-c", code],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )

    from_file, overridden = run(), run(COUNTER_DATABASE_URL=f"sqlite:///{tmp_path}/env.db")

    assert from_file.stdout.split() == [f"{tmp_path}/dotenv.db", "True"], from_file.stderr
    assert overridden.stdout.split() == [f"{tmp_path}/env.db", "True"], overridden.stderr


def test_a_dotenv_file_that_is_not_utf8_stops_start_up_in_one_line_naming_it(tmp_path):
    project = project_copy(tmp_path)
    (project / ".env").write_bytes(b"DJANGO_DEBUG=true\nDATABASE_URL=postgres://ada:p\xe4ss@db/x\n")

    result = subprocess.run([sys.executable, str(project / "manage.py"), "check"], env=clean_environment(),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot read {project}/.env: 'utf-8' codec can't decode byte 0xe4 in position 47: "
        "invalid continuation byte; save it as UTF-8 text."]
