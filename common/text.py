"""Text no database here can store, refused the same way everywhere.

PostgreSQL (and so CockroachDB's driver) refuses NUL in text before any SQL runs, and no
driver can encode a lone surrogate; SQLite would store either. So every way in (forms, API
bodies, paths, services) asks these, and the engines never disagree.
"""

NUL = "\x00"

# The OpenAPI patterns of text fields, so generated clients (and schemathesis) know that
# NUL is refused and that blank means missing.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def has_nul(text: str) -> bool:
    return NUL in text


def unstorable(text: str) -> bool:
    """NUL or a lone surrogate (not encodable as UTF-8)."""
    if has_nul(text):
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_nul(value: str) -> str:
    """A pydantic validator: the value, or ValueError when it holds NUL."""
    if has_nul(value):
        raise ValueError("must not contain NUL characters")
    return value
