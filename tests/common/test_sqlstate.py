"""One walk over an exception's cause/context chain, asked two different questions."""

from common import sqlstate


class DriverError(Exception):
    def __init__(self, code, attribute="pgcode"):
        super().__init__(code)
        setattr(self, attribute, code)


def _raised_from(outer, inner):
    outer.__cause__ = inner
    return outer


def test_first_is_the_nearest_code_and_anywhere_looks_behind_it():
    # A failed statement (23505) raised while handling a serialization failure (40001).
    error = _raised_from(DriverError("23505"), DriverError("40001", attribute="sqlstate"))

    assert sqlstate.first(error) == "23505"
    assert sqlstate.anywhere(error, "40001")
    assert list(sqlstate.codes(error)) == ["23505", "40001"]


def test_no_code_at_all_and_a_cycle_end_the_walk():
    looping = RuntimeError("x")
    looping.__context__ = _raised_from(RuntimeError("y"), looping)

    assert sqlstate.first(looping) is None and sqlstate.first(None) is None
    assert not sqlstate.anywhere(looping, "40001")
