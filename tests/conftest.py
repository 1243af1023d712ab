import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
]
PHONE_WIDTH = 600  # narrower than this, a `page` is a phone (mobile emulation, touch)


def _chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's), driven by Playwright.

    Skipped with the reason when none is installed, except under CI=true, where a
    missing browser is a failure.
    """
    path = _chromium_path()
    if not path:
        message = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; browser tests are mandatory in CI")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh page. Parametrize it indirectly with a width to get that window; below
    PHONE_WIDTH it is a phone, which (like a real one) lays a page without a viewport
    meta tag out 980 px wide."""
    width = getattr(request, "param", None)
    options = {}
    if width:
        options = {"viewport": {"width": width, "height": 844 if width < PHONE_WIDTH else 900}}
        if width < PHONE_WIDTH:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    context = chromium.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
