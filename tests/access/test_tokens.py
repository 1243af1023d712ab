import hashlib

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import Client

from access.models import ApiToken
from tests.support.access import bearer, make_user, session_client

pytestmark = pytest.mark.django_db

URL = "/api/catalog/authors/"


def _create(username, *args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("create_api_token", username, *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _write(token):
    return Client().post(URL, {"name": "Ursula"}, content_type="application/json", headers=bearer(token))


def test_the_command_prints_a_token_once_and_stores_only_its_sha256():
    make_user("ada")

    token, note = _create("ada", "--name", "laptop")

    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.name == "laptop" and token.startswith(row.prefix) and "shown only this once" in note
    assert not ApiToken.objects.filter(digest__contains=token).exists()
    assert token not in repr(ApiToken.objects.values_list())


def test_a_token_from_the_command_writes_until_it_is_revoked_by_the_command():
    make_user("ada")
    token, _ = _create("ada", "--name", "ci")

    assert _write(token).status_code == 201
    out, _ = _create("ada", "--revoke", "ci")

    assert "Revoked 1 token(s) of ada." in out
    assert _write(token).status_code == 401


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc", "bearer " + "x" * 500])
def test_an_unknown_or_malformed_token_is_a_401(header):
    response = Client().post(URL, {"name": "X"}, content_type="application/json",
                             headers={"Authorization": header})

    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_token_of_an_inactive_user_is_a_401():
    user = make_user("gone")
    token, _ = _create("gone")
    user.is_active = False
    user.save()

    assert _write(token).status_code == 401


def test_the_admin_lists_tokens_and_its_action_revokes_them():
    admin = make_user("root", superuser=True)
    make_user("ada")
    token, _ = _create("ada", "--name", "laptop")
    client = session_client(admin, enforce_csrf=False)

    listing = client.get("/admin/access/apitoken/").content.decode()
    response = client.post("/admin/access/apitoken/", {
        "action": "revoke", "_selected_action": [ApiToken.objects.get().pk]})

    assert "laptop" in listing and token not in listing
    assert response.status_code == 302
    assert ApiToken.objects.get().is_revoked
    assert _write(token).status_code == 401
    assert not site._registry[ApiToken].has_add_permission(None)


def test_staff_who_may_only_view_tokens_cannot_revoke_them():
    viewer = make_user("auditor", permissions=["access.view_apitoken"])
    viewer.is_staff = True
    viewer.save()
    token, _ = _create("auditor", "--name", "laptop")
    client = session_client(viewer, enforce_csrf=False)

    listing = client.get("/admin/access/apitoken/").content.decode()
    client.post("/admin/access/apitoken/", {
        "action": "revoke", "_selected_action": [ApiToken.objects.get().pk]})

    assert "laptop" in listing and 'value="revoke"' not in listing
    assert not ApiToken.objects.get().is_revoked
    assert _write(token).status_code == 201


@pytest.mark.parametrize(
    ("args", "message"),
    [(("nobody",), "No user named 'nobody'"), (("ada", "--revoke", "nope"), "no active token")],
)
def test_command_mistakes_are_one_line_errors(args, message):
    make_user("ada")

    with pytest.raises(CommandError, match=message):
        _create(*args)


def test_revoke_dry_run_changes_nothing():
    make_user("ada")
    token, _ = _create("ada")

    out, _ = _create("ada", "--revoke", "all", "--dry-run")

    assert "Would revoke 1" in out
    assert _write(token).status_code == 201
