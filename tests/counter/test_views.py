import pytest
from django.urls import reverse

from counter.models import DEFAULT_NAME, Counter

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_page_greets_with_the_number_of_clicks_so_far(client):
    Counter.objects.create(name=DEFAULT_NAME, value=4)

    response = client.get(reverse("counter:index"))

    assert response.status_code == 200
    assert "Hello World! (4x)" in response.content.decode()
    assert "Greet the world!" in response.content.decode()


def test_a_counter_that_was_never_clicked_shows_zero_and_is_not_created(client):
    response = client.get(reverse("counter:detail", args=["never-clicked"]))

    assert "Hello World! (0x)" in response.content.decode()
    assert not Counter.objects.filter(name="never-clicked").exists()


def test_clicking_adds_one_and_redirects_so_a_refresh_does_not_click_again(client):
    response = client.post(reverse("counter:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("counter:index")
    assert client.get(response["Location"]).content.decode().count("Hello World! (1x)") == 2  # title and page
    assert Counter.objects.get(name=DEFAULT_NAME).value == 1


def test_named_counters_count_separately(client):
    client.post(reverse("counter:detail", args=["visits"]))
    client.post(reverse("counter:detail", args=["visits"]))
    client.post(reverse("counter:index"))

    assert Counter.objects.get(name="visits").value == 2
    assert Counter.objects.get(name=DEFAULT_NAME).value == 1


def test_the_button_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("counter:index"))

    assert response.status_code == 403
    assert not Counter.objects.exists()


def test_other_methods_are_refused(client):
    assert client.delete(reverse("counter:index")).status_code == 405


def test_a_counter_name_longer_than_the_column_is_a_404_and_stores_nothing(client):
    url = reverse("counter:detail", args=["a" * 101])

    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert not Counter.objects.exists()


def test_clicking_a_counter_at_its_maximum_is_refused_with_a_page_and_counts_nothing(client):
    Counter.objects.create(name="full", value=2**63 - 1)

    response = client.post(reverse("counter:detail", args=["full"]))

    assert response.status_code == 409
    assert Counter.objects.get(name="full").value == 2**63 - 1
