import pytest

from counter.models import DEFAULT_NAME, Counter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases="__all__", transaction=True)]


def test_clicking_the_button_three_times_greets_three_times(live_server, page):
    page.goto(f"{live_server.url}/counter/")
    assert page.text_content("#greeting") == "Hello World! (0x)"

    for _ in range(3):
        with page.expect_navigation():
            page.click("text=Greet the world!")

    assert page.text_content("#greeting") == "Hello World! (3x)"
    page.reload()  # a refresh after POST/redirect/GET does not click again
    assert page.text_content("#greeting") == "Hello World! (3x)"
    assert Counter.objects.get(name=DEFAULT_NAME).value == 3
