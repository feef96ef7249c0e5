"""The "Your account" page on a 320px phone: the token shown once can be read, and every
token's Revoke button is on the screen."""

import pytest

from pcc_portal.calendar_feeds import issue_calendar_feed
from pcc_portal.reference_data import load_reference_data
from pcc_portal.services import issue_device_token, set_roles
from tests.pcc_portal.factories import UserFactory

from .conftest import assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# WCAG's contrast ratio of two "rgb(r, g, b)" colours, computed in the page.
CONTRAST = """(element) => {
  const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let node = element, background = "rgba(0, 0, 0, 0)";
  while (node && /rgba\\(.*, 0\\)|transparent/.test(background)) {
    background = getComputedStyle(node).backgroundColor;
    node = node.parentElement;
  }
  if (/rgba\\(.*, 0\\)|transparent/.test(background)) background = "rgb(255, 255, 255)";
  const a = luminance(channels(getComputedStyle(element).color));
  const b = luminance(channels(background));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_new_token_is_readable_and_revoke_fits_a_320px_phone(live_server, phone, tmp_path):
    load_reference_data(office="west_mercia")
    user = UserFactory()
    set_roles(user=user, roles=["Engagement officer"])
    for name in ("Work phone with a rather long name", "Tablet"):
        issue_device_token(user=user, name=name, verified=True)
    issue_calendar_feed(user=user, verified=True)
    sign_in_at(phone, live_server.url + "/account/", user)

    phone.fill("#id_name", "New phone")
    phone.get_by_role("button", name="Issue token").click()

    token = phone.locator("[data-token]")
    assert token.is_visible()
    assert token.evaluate(CONTRAST) >= 7  # WCAG AAA for normal text
    assert "monospace" in token.evaluate("(e) => getComputedStyle(e).fontFamily")
    assert token.evaluate("(e) => getComputedStyle(e).userSelect") != "none"
    phone.screenshot(path=str(tmp_path / "account-320.png"), full_page=True)
    assert_fits(phone)
    buttons = phone.get_by_role("button", name="Revoke")
    assert buttons.count() == 4  # three tokens and the calendar feed
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
