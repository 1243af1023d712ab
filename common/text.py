"""Text no database here can store, refused the same way everywhere.

PostgreSQL (and so CockroachDB's driver) refuses NUL in text before any SQL runs, and no
driver can encode a lone surrogate; SQLite would store either. So every way in (forms, API
bodies, paths, services) asks these, and the engines never disagree.
"""

NUL = "\x00"

# The OpenAPI patterns of text fields, so generated clients (and schemathesis) know that
# NUL is refused and that blank means missing. Blank is what Python's str.strip() removes
# (str.isspace), listed char by char: `\s` means other sets in JavaScript (no U+0085, adds
# U+FEFF), in pydantic's Rust regex and in Python, so a client saw "\u0085" as text while
# the server saw blank.
WHITESPACE = (r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029"
              r"\u202f\u205f\u3000")
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*$"


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

