"""The "Your account" page reads well on a phone: the token shown once is dark text on a light
background (not white on grey inside a panel), and tokens are summary cards, not a wide table
(the browser pass checks both at 320px)."""

import re

import pytest

from pcc_portal.services import issue_device_token

pytestmark = pytest.mark.django_db


def test_the_new_token_is_shown_in_an_inset_not_a_panel(client, signed_in_as):
    signed_in_as("Ambassador")
    html = client.post("/account/", {"name": "Work phone"}).content.decode()
    inset = re.search(r'<div class="govuk-inset-text" id="new-token">(.*?)</div>', html, re.S)
    assert inset and "data-token" in inset.group(1)
    assert "govuk-!-font-weight-bold" in inset.group(1)
    assert "govuk-panel" not in html


def test_each_token_is_a_summary_card_with_its_revoke_button(client, signed_in_as):
    user = signed_in_as("Ambassador")
    for name in ("Work phone", "Tablet"):
        issue_device_token(user=user, name=name, verified=True)
    html = client.get("/account/").content.decode()
    assert "<table" not in html
    assert html.count('class="govuk-summary-card"') == 2
    assert html.count(">Revoke<") == 2
