import re

from common.databases import APPS
from tests.support.manage import ROOT


def variables_read_by_settings():
    names = {f"{app.upper()}_DATABASE_URL" for app in APPS} | {"DATABASE_URL"}
    for path in (ROOT / "config").glob("*.py"):
        names |= set(re.findall(r"env\.(?:get|require)\w*\(\s*\"([A-Z_]+)\"",
                                path.read_text()))
    return names


def listed_in_env_example():
    text = (ROOT / ".env.example").read_text()
    return re.findall(r"^#? ?([A-Z][A-Z_]+)=", text, flags=re.MULTILINE)


def test_env_example_lists_every_variable_the_settings_read():
    assert variables_read_by_settings() <= set(listed_in_env_example())


def test_env_example_lists_each_variable_once():
    names = listed_in_env_example()

    assert sorted(names) == sorted(set(names))


def test_env_example_lists_no_variable_the_settings_do_not_read():
    assert set(listed_in_env_example()) <= variables_read_by_settings()


def test_env_example_gives_an_example_for_each_engine():
    text = (ROOT / ".env.example").read_text()
    for scheme in ("sqlite:///", "postgres://", "postgresql://", "cockroachdb://", "snowflake://",
                   "cassandra://", "astra://"):
        assert scheme in text
