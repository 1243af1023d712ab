import pytest
from django.core.management import call_command
from django.test import Client

from tests.support.access import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def _root():
    user = make_user("root", superuser=True)
    user.set_password("right-horse-battery")
    user.save()


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


def test_behind_a_proxy_that_writes_ports_failures_from_one_address_still_lock_it_out(settings):
    settings.NINJA_NUM_PROXIES = 1  # API_PROXY_COUNT=1
    _root()
    for n in range(5):
        _login(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.5:{50000 + n}"), f"wrong-{n}")

    locked = _login(Client(HTTP_X_FORWARDED_FOR="203.0.113.5:50009"), "right-horse-battery")

    assert locked.status_code == 429


def test_a_forwarded_entry_that_is_no_address_counts_as_the_proxys_own(settings):
    # PostgreSQL keeps the address in an inet column, which refuses anything else.
    settings.NINJA_NUM_PROXIES = 1
    _root()
    client = Client(HTTP_X_FORWARDED_FOR="unknown", REMOTE_ADDR="10.0.0.2")

    assert _login(client, "right-horse-battery").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_a_login_whose_next_leads_off_site_lands_on_the_admin_index(target):
    _root()

    response = Client().post(f"/admin/login/?next={target}",
                             {"username": "root", "password": "right-horse-battery"})

    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_failed_login_is_recorded_without_its_password_or_csrf_token():
    from axes.models import AccessAttempt

    _root()
    client = Client(enforce_csrf_checks=True)
    token = client.get(LOGIN).context["csrf_token"]

    client.post(LOGIN, {"username": "root", "password": "wrong-horse", "csrfmiddlewaretoken": token})

    kept = AccessAttempt.objects.get().post_data
    assert "csrfmiddlewaretoken" in kept  # named, its value masked
    assert "wrong-horse" not in kept and str(token) not in kept


def test_the_lockout_page_says_how_long_in_minutes_not_as_an_iso_duration():
    _root()
    client = Client()
    for n in range(5):
        _login(client, f"wrong-{n}")

    page = _login(client, "right-horse-battery").content.decode()

    assert "try again in 15 minutes" in page
    assert "PT15M" not in page
