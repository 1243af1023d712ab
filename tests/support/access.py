"""Users, API tokens and clients for the access policy's tests."""

from django.contrib.auth.models import Permission, User
from django.test import Client

from access.models import ApiToken


def make_user(username="writer", *, superuser=False, permissions=()):
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw-not-used-here")
    user = User.objects.create_user(username, f"{username}@example.com", "pw-not-used-here")
    for codename in permissions:
        app_label, _, name = codename.partition(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return user


def token_for(user, name="tests") -> str:
    return ApiToken.mint(user=user, name=name)[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def token_client(user=None, **kwargs) -> Client:
    """A client that sends a token of `user` (a new superuser by default) on every request."""
    user = user or make_user("token-admin", superuser=True)
    return Client(headers=bearer(token_for(user)), **kwargs)


def session_client(user, *, enforce_csrf=True) -> Client:
    """A browser-like client signed in as `user`; by default it checks CSRF as a browser would."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client
