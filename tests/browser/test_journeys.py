"""Whole journeys in a real browser at phone size: what a person sees and does."""

import pytest

from engagement.models import Contact
from pcc_portal.reference_data import load_reference_data
from tests.engagement.factories import AmbassadorFactory

from .conftest import accessibility_problems, assert_fits, sign_in_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_public_pages_fit_a_320px_phone_and_work_by_keyboard(live_server, phone):
    load_reference_data(office="west_mercia")
    for path in ("/", "/charter/", "/events/", "/accessibility/", "/privacy/"):
        phone.goto(live_server.url + path)
        assert_fits(phone)
    phone.goto(live_server.url + "/")
    phone.keyboard.press("Tab")
    skip = phone.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main-content"


def test_an_ambassador_signs_in_and_logs_a_contact_on_a_phone(live_server, phone, tmp_path):
    load_reference_data(office="west_mercia")
    from pcc_portal.models import PolicingArea

    area = PolicingArea.objects.get(slug="shropshire")
    ambassador = AmbassadorFactory(policing_area=area)
    sign_in_at(phone, live_server.url + "/ambassador/contacts/new/", ambassador.user)

    assert phone.get_by_role("heading", name="Log a contact").is_visible()
    assert_fits(phone)
    # Today and the ambassador's own area are already filled in.
    assert phone.locator("#id_policing_area").input_value() == str(area.pk)
    phone.fill("#id_who", "Farmers at the livestock market")
    phone.get_by_label("Event", exact=True).check()
    phone.get_by_label("Consult", exact=True).check()
    phone.get_by_label("Businesses and rural communities").check()
    phone.get_by_role("button", name="Save contact").click()

    # Forgot the number of people: told so, and nothing typed is lost.
    assert phone.get_by_text("There is a problem").is_visible()
    assert phone.locator("#id_who").input_value() == "Farmers at the livestock market"
    phone.screenshot(path=str(tmp_path / "contact-error.png"), full_page=True)
    phone.get_by_role("link", name="Enter how many people you reached").click()
    assert phone.evaluate("document.activeElement.id") == "id_people_reached"
    phone.fill("#id_people_reached", "25")
    phone.get_by_role("button", name="Save contact").click()

    assert phone.get_by_text("Contact saved.").is_visible()
    contact = Contact.objects.get()
    assert (contact.ambassador, contact.people_reached, contact.policing_area) == (
        ambassador,
        25,
        area,
    )
    assert_fits(phone)


def test_pages_pass_the_automated_wcag_checks(live_server, audited_phone, axe_source):
    phone = audited_phone
    """axe-core finds about a third of WCAG problems; the rest need a person. None may remain."""
    load_reference_data(office="west_mercia")
    from pcc_portal.models import PolicingArea

    ambassador = AmbassadorFactory(policing_area=PolicingArea.objects.get(slug="shropshire"))
    problems = {}
    for path in ("/", "/charter/", "/events/", "/accessibility/", "/account/login/"):
        phone.goto(live_server.url + path)
        problems[path] = accessibility_problems(phone, axe_source)
    sign_in_at(phone, live_server.url + "/ambassador/contacts/new/", ambassador.user)
    problems["contact form"] = accessibility_problems(phone, axe_source)
    phone.get_by_role("button", name="Save contact").click()  # empty: every error shows
    problems["contact form with errors"] = accessibility_problems(phone, axe_source)
    assert {page: found for page, found in problems.items() if found} == {}


def test_the_coverage_page_fits_a_320px_phone(live_server, phone, tmp_path):
    """Its wide tables scroll inside their own boxes; nothing in them, the sortable headers'
    visually hidden words included, makes the page itself scroll sideways."""
    load_reference_data(office="west_mercia")
    from pcc_portal.models import PolicingArea
    from pcc_portal.services import set_roles
    from tests.engagement.factories import ContactFactory
    from tests.pcc_portal.factories import PolicingAreaFactory, UserFactory

    area = PolicingArea.objects.get(slug="shropshire")
    ContactFactory(ambassador=AmbassadorFactory(policing_area=area), policing_area=area)
    PolicingAreaFactory(name="An area with no population figure")
    officer = UserFactory()
    set_roles(user=officer, roles=["Performance officer"])
    sign_in_at(phone, live_server.url + "/staff/engagement/coverage/", officer)

    assert phone.get_by_role("heading", name="Coverage: who are we reaching?").is_visible()
    # The sortable tables have started: their headers are buttons.
    assert phone.locator("#by-policing-area thead button").count() == 7
    phone.screenshot(path=str(tmp_path / "coverage-320.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert_fits(phone)
