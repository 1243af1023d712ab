"""/healthz for a person: the JSON report laid out as tables.

Generic on purpose: whatever the report holds (per-alias dicts or plain "ok"/"down" strings,
extra keys such as a cache or migrations entry) shows up without a change here.
"""


def cell(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell(v)}" for k, v in value.items())
    return str(value)


def section(title: str, value) -> dict:
    """One table (or one line) for one top-level key of the report."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        columns = list(dict.fromkeys(key for row in value.values() for key in row))
        rows = [(name, [cell(row.get(c)) for c in columns]) for name, row in value.items()]
        return {"title": title, "columns": columns, "rows": rows}
    if isinstance(value, dict):
        return {"title": title, "columns": ["status"], "rows": [(k, [cell(v)]) for k, v in value.items()]}
    return {"title": title, "text": cell(value)}


def sections(report: dict) -> list[dict]:
    return [section(key, value) for key, value in report.items() if key != "status"]
