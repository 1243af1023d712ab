"""The access policy, in one table: who may call which API operation.

| app     | reads (GET)                    | writes (POST, DELETE)                            |
| ------- | ------------------------------ | ------------------------------------------------ |
| trips   | anyone                         | (none)                                           |
| counter | anyone                         | anyone, throttled per address (API_ANON_RATE)    |
| catalog | anyone                         | a token or session user, throttled (API_USER_RATE) |
| parties | anyone                         | a token or session user, throttled               |
| bank    | token/session user with the    | the same, with bank.add_<model> / delete_<model>, |
|         | bank.view_<model> permission   | throttled; only ping/ is public                  |

config.api applies it to every operation when it mounts the routers, so an app's api.py
says nothing about access and no operation can be left out.
"""

from access.auth import SessionCsrfAuth, TokenAuth
from access.throttles import AnonWriteThrottle, UserWriteThrottle
from common.schemas import Detail

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
VERBS = {"GET": "view", "POST": "add", "DELETE": "delete"}
PUBLIC_PATHS = {("bank", "/ping/")}

ANON_WRITES = AnonWriteThrottle()
USER_WRITES = UserWriteThrottle()
SIGNED_IN = [TokenAuth(), SessionCsrfAuth()]


def _bank_user(method: str, path: str) -> list:
    model = path.strip("/").split("/")[0]
    permissions = (f"bank.{VERBS[method]}_{model}",)
    return [TokenAuth(permissions), SessionCsrfAuth(permissions)]


def rule(app: str, method: str, path: str) -> tuple[list, list]:
    """(auth callbacks, throttles) for one operation; no callbacks means anyone."""
    write = method not in SAFE_METHODS
    if (app, path) in PUBLIC_PATHS:
        return [], []
    if app == "bank":
        return _bank_user(method, path), [USER_WRITES] if write else []
    if not write or app == "trips":
        return [], []
    if app == "counter":
        return [], [ANON_WRITES]
    return SIGNED_IN, [USER_WRITES]


def apply(app: str, router) -> None:
    """Set each operation's auth and throttles from `rule`, and list the answers they add."""
    for path, path_view in router.path_operations.items():
        for operation in path_view.operations:
            method = operation.methods[0]
            auth, throttles = rule(app, method, path)
            operation.auth_param = operation.auth_callbacks = auth
            operation.throttle_param = operation.throttle_objects = throttles
            extra = {}
            if auth:
                extra.update({401: Detail, 403: Detail})
            if throttles:
                extra[429] = Detail
            operation.response_models.update(operation._create_response_model_multiple(extra))
