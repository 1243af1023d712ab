import pytest
from django.core.cache import cache
from django.test import Client

from access.throttles import LOCAL
from tests.support.access import bearer, make_user, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clicks_over_the_rate_are_a_json_429_with_retry_after(settings):
    settings.API_ANON_RATE = "3/hour"
    client = Client()

    statuses = [client.post("/api/counter/t/click/").status_code for _ in range(4)]
    response = client.post("/api/counter/t/click/")

    assert statuses == [200, 200, 200, 429]
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Too many writes" in response.json()["detail"]
    assert client.get("/api/counter/t/").json()["value"] == 3  # refused clicks count nothing


def test_each_client_address_has_its_own_allowance(settings):
    settings.API_ANON_RATE = "1/hour"

    first = Client(REMOTE_ADDR="10.0.0.1").post("/api/counter/t/click/")
    second = Client(REMOTE_ADDR="10.0.0.2").post("/api/counter/t/click/")
    spoofed = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4").post("/api/counter/t/click/")

    assert (first.status_code, second.status_code, spoofed.status_code) == (200, 200, 429)


def test_behind_a_proxy_the_forwarded_address_counts_whatever_port_the_proxy_writes_after_it(settings):
    settings.API_ANON_RATE = "1/hour"
    settings.NINJA_NUM_PROXIES = 1  # API_PROXY_COUNT=1

    def click(forwarded):
        return Client(HTTP_X_FORWARDED_FOR=forwarded).post("/api/counter/t/click/").status_code

    # Some platforms' proxies append the client's port too, a new one per connection.
    assert [click("203.0.113.5:50001"), click("1.1.1.1, 203.0.113.5:50002")] == [200, 429]
    assert [click("[2001:db8::1]:443"), click("2001:DB8:0::1")] == [200, 429]
    assert click("198.51.100.7") == 200


def test_with_the_shared_redis_down_each_process_still_counts_writes(settings):
    # Nothing listens on port 1: every Redis call fails at once (config.cache forgives it).
    settings.CACHES = {"default": {"BACKEND": "config.cache.ForgivingRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.API_ANON_RATE = "2/hour"
    LOCAL.clear()

    statuses = [Client().post("/api/counter/redis-down/click/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_token_writes_are_throttled_per_user(settings):
    settings.API_USER_RATE = "2/hour"
    headers = bearer(token_for(make_user("ada")))

    def post():
        return Client().post("/api/catalog/authors/", {"name": "X"}, content_type="application/json",
                             headers=headers).status_code

    assert [post(), post(), post()] == [201, 201, 429]


def test_off_disables_the_throttle(settings):
    settings.API_ANON_RATE = "off"

    assert {Client().post("/api/counter/t/click/").status_code for _ in range(20)} == {200}


def test_the_counter_page_button_is_throttled_too(settings):
    settings.API_ANON_RATE = "2/hour"
    client = Client()

    statuses = [client.post("/counter/").status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert client.post("/counter/")["Retry-After"]


def test_the_party_finder_forms_stay_open_to_anonymous_visitors_but_throttled(settings):
    settings.API_ANON_RATE = "1/hour"
    client = Client()
    body = {"city": "Throttleville", "name": "Open air", "date": "2025-06-01", "people": 0}

    first, second = client.post("/parties/new/", body), client.post("/parties/new/", body)

    assert first.status_code == 302
    assert second.status_code == 429 and int(second["Retry-After"]) >= 1


@pytest.mark.parametrize("rate", ["fast", "10/fortnight", "ten/min", "10"])
def test_a_rate_that_is_not_n_per_period_stops_start_up_naming_it(rate, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config import env

    monkeypatch.setenv("API_ANON_RATE", rate)
    with pytest.raises(ImproperlyConfigured, match="API_ANON_RATE"):
        env.get_rate("API_ANON_RATE", "120/min")
