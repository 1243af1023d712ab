"""django-ninja auth classes: an API token (`Authorization: Bearer ...`) or the browser's
Django session (with CSRF). access.policy decides which operation uses them."""

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from access.models import ApiToken

LAST_USED_RESOLUTION = 60  # seconds: a busy token is not written on every request


class Forbidden(HttpError):
    def __init__(self, message: str):
        super().__init__(403, message)


def _authorize(user, permissions: tuple[str, ...]):
    if permissions and not user.has_perms(permissions):
        raise Forbidden(f"{user.get_username()} lacks the permission(s) {', '.join(permissions)}.")
    return user


class TokenAuth(HttpBearer):
    """A token minted by `manage.py create_api_token`; unknown or revoked is a 401."""

    def __init__(self, permissions: tuple[str, ...] = ()):
        self.permissions = permissions
        super().__init__()

    def __call__(self, request):
        # HttpBearer logs a malformed header whole under DEBUG; a token must never reach a log.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        return self.authenticate(request, token.strip()) if scheme.lower() == "bearer" else None

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        row = ApiToken.find_active(token)
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return _authorize(row.user, self.permissions)


class SessionCsrfAuth(SessionAuth):
    """ninja's SessionAuth, CSRF-checked only when a user is signed in: an anonymous
    request is then a plain 401, not a CSRF failure."""

    def __init__(self, permissions: tuple[str, ...] = ()):
        self.permissions = permissions
        super().__init__(csrf=True)

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return None if user is None else _authorize(user, self.permissions)
