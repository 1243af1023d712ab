"""Domain errors: what a service refuses, said in the domain's words, not in HTTP's.

Services raise these; the API (config.api) answers each kind with one status, so every app
gets the same codes for the same kind of mistake:

| error | meaning | API status |
| --- | --- | --- |
| `Invalid` | the input breaks a rule of the domain that the request schema cannot say | 422 |
| `NotFound` | a thing the request names does not exist | 404 |
| `Conflict` | the request is well formed but clashes with what is stored | 409 |
| `Busy` | conflicting work got in the way every time; the same request may succeed later | 503 |
| `OutcomeUnknown` | the connection failed in the commit: the change may or may not be stored | 503 |
"""


class DomainError(Exception):
    """A refusal whose text is fit to show the client as it is."""


class Invalid(DomainError):
    def __init__(self, message: str, *, field: str = "body"):
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class Busy(DomainError):
    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknown(DomainError):
    """The connection to the database failed while a change was being committed, so nobody
    here can tell whether it was stored: sending it again blindly might apply it twice."""

    def __init__(self, what: str, check: str):
        super().__init__(f"The connection to the database failed while {what} was being committed: "
                         f"it may or may not have been applied. {check} before sending it again.")
