import re

import pytest

from catalog.models import Author
from tests.support.pages import horizontal_overflow, log_in_to_the_admin

# What a strict Content-Security-Policy allows: files from this site only, nothing inline.
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@pytest.mark.django_db(databases="__all__")
def test_the_api_docs_have_the_site_header_and_a_phone_viewport(client):
    response = client.get("/api/docs")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<a class="brand" href="/">Django database tutorials</a>' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<div id="swagger-ui"></div>' in page
    assert '"url": "/api/openapi.json"' in page


@pytest.mark.django_db(databases="__all__")
def test_the_api_docs_run_no_inline_script_so_a_strict_csp_keeps_them_working(client, settings):
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    page = client.get("/api/docs").content.decode()

    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts, "the Swagger UI scripts are on the page"
    for attributes in scripts:
        # A script either comes from a file or is JSON data, which browsers never run.
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=", page), "no inline event handlers"
    for src in re.findall(r'<script src="([^"]+)"', page):
        assert client.get(src).status_code == 200, src


def _docs(page, live_server):
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock")  # Swagger UI has drawn the operations


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
@pytest.mark.parametrize("page", [390], indirect=True)
def test_the_api_docs_try_it_out_fits_a_phone_and_leads_back_to_the_site(live_server, page):
    _docs(page, live_server)
    operation = page.locator(".opblock", has_text="/api/bank/order/").first
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()

    page.wait_for_selector(".live-responses-table")
    size = horizontal_overflow(page)
    assert size["scroll"] <= size["inner"] == 390
    assert page.locator("nav a[aria-current=page]").inner_text() == "API"
    page.click("header .brand")
    assert page.url == f"{live_server.url}/"


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_signed_in_admin_writes_from_the_api_docs_with_the_csrf_token_the_page_carries(live_server, page):
    log_in_to_the_admin(page, live_server.url)
    _docs(page, live_server)
    operation = page.locator(".opblock-post", has_text="/api/catalog/authors/").first
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()

    status = operation.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "201"
    assert Author.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_the_api_docs_work_under_a_strict_content_security_policy(live_server, page):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text))

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/*", with_csp)
    _docs(page, live_server)

    assert page.locator(".opblock-summary-path").get_by_text("/api/counter/{name}/", exact=True).count() == 1
    assert [c for c in complaints if "Content Security Policy" in c] == []
