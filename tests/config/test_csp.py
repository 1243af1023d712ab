"""Every HTML page sends a Content-Security-Policy without 'unsafe-inline' scripts, and the
pages that need JavaScript (Swagger UI, the admin) still work under it."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tests.support.access import make_user, session_client

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/counter/", "/trips/", "/bank/", "/parties/", "/catalog/", "/api/docs",
         "/admin/login/", "/no-such-page/"]


def _policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_policy_with_self_only_scripts(path):
    policy = _policy(Client().get(path))

    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", policy["default-src"])


@pytest.mark.django_db(databases="__all__")
def test_the_admin_pages_send_the_policy_too():
    client = session_client(make_user("root", superuser=True), enforce_csrf=False)

    for path in ("/admin/", "/admin/access/apitoken/", "/admin/catalog/author/add/"):
        assert "default-src 'self'" in client.get(path)["Content-Security-Policy"]


def test_no_template_has_inline_scripts_event_handlers_or_style_attributes():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text) \
                or re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text):
            offenders.append(str(template.relative_to(ROOT)))
    for template in (ROOT / "templates").glob("*.html"):
        if re.search(r"\son[a-z]+\s*=|<script(?![^>]*\bsrc=)|\sstyle\s*=", template.read_text()):
            offenders.append(str(template.relative_to(ROOT)))

    assert offenders == []


def _violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_swagger_ui_renders_and_runs_a_request_under_the_policy(live_server, page):
    violations = _violations(page)

    page.goto(f"{live_server.url}/api/docs")
    page.locator(".opblock-summary", has_text="/api/ping/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()

    assert '"status": "ok"' in page.locator(".response .microlight").first.inner_text()
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_the_admin_signs_in_and_revokes_a_token_under_the_policy(live_server, page):
    from access.models import ApiToken

    user = make_user("root", superuser=True)
    user.set_password("correct-horse-battery")
    user.save()
    ApiToken.mint(user=user, name="laptop")
    violations = _violations(page)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/access/apitoken/")
    page.check("input.action-select")
    page.select_option("select[name=action]", "revoke")
    page.click("button[name=index]")
    page.locator(".messagelist").wait_for()  # the changelist after the action's redirect

    assert "1 token(s) revoked." in page.locator(".messagelist").inner_text()
    assert ApiToken.objects.get().is_revoked
    assert violations == []


def _through_csp(response, request=None):
    from config.csp import SitePolicyCSPMiddleware

    request = request or RequestFactory().get("/")
    middleware = SitePolicyCSPMiddleware(lambda _: response)
    middleware.process_request(request)
    return middleware.process_response(request, response)


def test_the_site_policy_built_once_is_the_header_django_csp_builds():
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get("/")
    theirs = CSPMiddleware(lambda _: HttpResponse()).process_response(request, HttpResponse())

    assert _through_csp(HttpResponse())["Content-Security-Policy"] == theirs["Content-Security-Policy"]


def test_a_response_that_updates_its_policy_gets_its_own_header():
    updated = HttpResponse()
    updated._csp_update = {"img-src": ["https://tiles.example.com"]}

    assert "https://tiles.example.com" in _through_csp(updated)["Content-Security-Policy"]


def test_a_request_that_used_a_nonce_gets_it_in_its_header(settings):
    from csp.constants import NONCE, SELF

    from config.csp import SitePolicyCSPMiddleware

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    seen = {}

    def view(request):
        seen["nonce"] = str(request.csp_nonce)
        return HttpResponse()

    response = SitePolicyCSPMiddleware(view)(RequestFactory().get("/"))

    assert f"'nonce-{seen['nonce']}'" in response["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header(settings):
    _through_csp(HttpResponse())  # built and kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert _through_csp(HttpResponse())["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.browser
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_form_sent_without_its_csrf_cookie_is_refused_on_a_site_page_under_the_policy(
    live_server, page
):
    violations = _violations(page)
    page.goto(f"{live_server.url}/counter/")
    page.context.clear_cookies()  # the cookie expired or was cleared while the page was open

    with page.expect_navigation() as navigation:
        page.click("button[type=submit]")

    assert navigation.value.status == 403
    assert page.locator("header.site-header").count() == 1
    assert "reload" in page.inner_text("main").lower()
    assert violations == []


@pytest.mark.django_db(databases="__all__")
def test_a_csrf_failure_page_has_no_inline_style_and_does_not_count_the_click():
    from counter.models import Counter

    response = Client(enforce_csrf_checks=True).post("/counter/")

    assert response.status_code == 403
    assert "<style" not in response.content.decode()
    assert "site-header" in response.content.decode()
    assert not Counter.objects.filter(value__gt=0).exists()
