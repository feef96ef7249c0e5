import os
import shutil
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pcc_portal.factories import TEST_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if not os.environ.get("PORTAL_FULL_SUITE"):
        pytest.skip("browser journeys run once, in the full (PostgreSQL) pass: PORTAL_FULL_SUITE=1")
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the test's own ORM calls are still plain
    # synchronous code, so Django's async guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone: 320 CSS pixels wide."""
    context = browser.new_context(viewport={"width": 320, "height": 720}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def audited_phone(browser):
    """A phone page that lets the test inject axe-core past the Content-Security-Policy (which
    rightly refuses any inline script)."""
    context = browser.new_context(
        viewport={"width": 320, "height": 720}, is_mobile=True, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    """Nothing on the page makes it scroll sideways at its width."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def sign_in_at(page, url, user):
    """Open `url`, which asks for sign-in, and sign in as `user` with the password and a code
    from a new authenticator app (django-two-factor-auth signs in with the device "default")."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    page.goto(url)
    page.fill("#id_auth-username", user.email)
    page.fill("#id_auth-password", TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.fill("#id_token-otp_token", str(totp(device.bin_key)).zfill(6))
    page.get_by_role("button", name="Continue").click()


AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.skip("needs axe-core: cd frontend && npm ci")
    return AXE.read_text(encoding="utf-8")


def accessibility_problems(page, axe_source) -> list[str]:
    """WCAG 2.2 A and AA rules that axe-core finds broken on the page, one line each."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]
