import pytest
from django.core.management import call_command
from django.test import Client

from tests.support.access import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def _login(client, password):
    return client.post(LOGIN, {"username": "root", "password": password})


def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_one():
    user = make_user("root", superuser=True)
    user.set_password("right-horse-battery")
    user.save()
    client = Client()

    failures = [_login(client, f"wrong-{n}").status_code for n in range(5)]
    locked = _login(client, "right-horse-battery")

    assert failures[:4] == [200] * 4  # the form again, with its error
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_axes_reset_username_lifts_the_lockout():
    user = make_user("root", superuser=True)
    user.set_password("right-horse-battery")
    user.save()
    client = Client()
    for n in range(5):
        _login(client, f"wrong-{n}")

    call_command("axes_reset_username", "root", verbosity=0)

    assert _login(client, "right-horse-battery").status_code == 302


def test_another_address_is_not_locked_out_by_someone_elses_failures():
    user = make_user("root", superuser=True)
    user.set_password("right-horse-battery")
    user.save()
    for n in range(5):
        _login(Client(REMOTE_ADDR="10.9.9.9"), f"wrong-{n}")

    assert _login(Client(REMOTE_ADDR="10.1.1.1"), "right-horse-battery").status_code == 302
