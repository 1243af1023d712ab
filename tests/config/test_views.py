"""Every page answers HEAD as it answers GET, without the body: monitors, load balancers and
`curl -I` probe pages that way (a 405 there reads as the site being broken)."""

import pytest

from tests.support.pages import every_page

pytestmark = pytest.mark.django_db(databases="__all__")


def test_every_page_answers_head_with_the_status_and_headers_of_get_and_no_body(client):
    answers = {path: (client.get(path), client.head(path)) for path in every_page()}

    differ = {path: (got.status_code, head.status_code) for path, (got, head) in answers.items()
              if (got.status_code, got["Content-Type"]) != (head.status_code, head["Content-Type"])}
    assert differ == {}
    assert [path for path, (_, head) in answers.items() if head.content] == []
    assert answers["/"][1].status_code == 200
