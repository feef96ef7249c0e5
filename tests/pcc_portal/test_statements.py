"""The privacy notice and accessibility statement say only what the portal does: the office's
own text speaks of the whole portal, and each part of the portal adds its own as it lands."""

import re

import pytest
from django.apps import apps

from pcc_portal.reference_data import PAGES_DIR
from pcc_portal.registry import parts_of

# Parts of the portal still to come, and promises nothing here keeps yet: none at present (a
# pattern that matches nothing; name a part here while it is still to come).
NOT_YET = re.compile(r"(?!)")


@pytest.mark.parametrize("slug", ["privacy", "accessibility"])
def test_the_offices_own_text_promises_nothing_the_portal_does_not_do(slug):
    text = (PAGES_DIR / f"{slug}.md").read_text(encoding="utf-8")
    assert NOT_YET.findall(text) == []


@pytest.mark.parametrize("slug", ["privacy", "accessibility"])
def test_each_part_belongs_to_a_part_of_the_portal_that_is_there(slug):
    for part in parts_of(slug):
        assert apps.is_installed(part.app_label)
        assert NOT_YET.findall(part.body) == [], part.app_label


@pytest.mark.django_db
def test_the_privacy_notice_shows_what_is_kept_today(client, reference_data):
    html = client.get("/privacy/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Sign-in records" in main and "Contacts logged by community ambassadors" in main
    assert "Emails from our lists" in main and "The suppression list" in main
    assert NOT_YET.findall(main) == []
