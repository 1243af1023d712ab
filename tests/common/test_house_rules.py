"""The layering the READMEs promise, proved by reading the source: apps never import the
project package `config`; `common` imports neither `config` nor an app; NUL is looked for
in one place; templates link pages by name and page lists through one include; tests take
helpers from tests/support modules, never from a conftest."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("access", "bank", "catalog", "counter", "moving", "parties", "trips")
PROJECT = ("config", *APPS)


def _sources(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path


def _imported(path) -> set[str]:
    """The top-level package of every module `path` imports, at any depth in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_the_project_package_config(app):
    offenders = [relative for relative, path in _sources(app) if "config" in _imported(path)]

    assert offenders == [], "apps take shared helpers from common/, never from config/"


def test_common_imports_neither_config_nor_any_app():
    offenders = {relative: sorted(_imported(path) & set(PROJECT)) for relative, path in _sources("common")}

    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_nul_check_is_written_once_in_common_text():
    nul_test = re.compile(r"""["']\\x00["']\s+(not\s+)?in\b""")
    offenders = [relative for package in PROJECT for relative, path in _sources(package)
                 if nul_test.search(path.read_text(encoding="utf-8"))]

    assert offenders == [], "use common.text.has_nul / unstorable, or the NO_NUL / NOT_BLANK patterns"


def test_no_test_module_imports_helpers_from_a_conftest():
    offenders = [relative for relative, path in _sources("tests") if path.name != "conftest.py"
                 and any(name.endswith("conftest") for name in _imported_modules(path))]

    assert offenders == [], "pytest advises against it: put the helper in a tests/support module"


def _imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return ({alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
            | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)})


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from folder.rglob("*.html")


def test_templates_link_the_api_docs_by_name_not_by_path():
    hard_coded = [t.relative_to(ROOT).as_posix() for t in _templates() if "/api/docs" in t.read_text()]

    assert hard_coded == [], "use {% url 'api:openapi-view' %}"


def test_every_paginated_page_uses_the_one_pagination_include():
    include = ROOT / "templates" / "includes" / "pagination.html"
    own_links = [t.relative_to(ROOT).as_posix() for t in _templates()
                 if t != include and "page.next_page_number" in t.read_text()]

    assert own_links == [], 'use {% include "includes/pagination.html" with page=page %}'
