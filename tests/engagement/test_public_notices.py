"""What every public page tells a visitor, and a charter that shows only what the office wrote."""

import re

import pytest

from tests.engagement.factories import CharterPrincipleFactory, EngagementLevelFactory

pytestmark = pytest.mark.django_db

NOT_FOR_CRIME = "This website is not for reporting crime."
EMERGENCY = "In an emergency call 999."
OTHERWISE = "To report a crime or contact the police in other situations call 101."


@pytest.mark.parametrize("path", ["/", "/charter/", "/events/"])
def test_public_pages_say_the_portal_is_not_for_reporting_crime(client, path):
    page = client.get(path).content.decode()
    footer = page[page.index('<footer class="govuk-footer"') :]
    for words in (NOT_FOR_CRIME, EMERGENCY, OTHERWISE):
        assert words in footer


def test_the_home_page_says_it_before_anything_else_it_offers(client):
    page = client.get("/").content.decode()
    main = page[page.index('<main class="govuk-main-wrapper"') : page.index("</main>")]
    notice = main.index(NOT_FOR_CRIME)
    assert main.rfind('<div class="govuk-inset-text', 0, notice) != -1
    assert notice < main.find('<h2 class="govuk-heading-l"') or "<h2" not in main


def test_a_level_without_text_shows_its_name_and_no_empty_headings(client):
    EngagementLevelFactory(name="Empower", aim="", commitment="", ways_to_engage="")
    EngagementLevelFactory(
        name="Inform", position=1, aim="", commitment="Keep you informed", ways_to_engage="\n"
    )
    CharterPrincipleFactory(title="I will use clear language", commitment="")
    html = client.get("/charter/").content.decode()
    page = html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]
    assert "Empower" in page and "Keep you informed" in page
    assert page.count('<dt class="govuk-summary-list__key">Our commitment</dt>') == 1
    assert '<dt class="govuk-summary-list__key">Aim</dt>' not in page
    assert '<dt class="govuk-summary-list__key">Ways to engage</dt>' not in page
    assert not re.search(r"<dd[^>]*>\s*</dd>", page)
    assert not re.search(r"<p[^>]*>\s*</p>", page)
    assert not re.search(r"<ul[^>]*>\s*</ul>", page)
    assert not re.search(r"<dl[^>]*>\s*</dl>", page)
