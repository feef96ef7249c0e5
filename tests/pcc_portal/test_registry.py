"""The registry the apps plug into: permissions by role, one API router, the statements' parts
and the reminder contract."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from pcc_portal import registry
from pcc_portal.models import OfficeProfile
from pcc_portal.roles import ROLES_BY_NAME, matches, patterns_of
from pcc_portal.services import issue_device_token


def test_an_app_cannot_give_permissions_to_a_role_that_does_not_exist():
    with pytest.raises(ImproperlyConfigured, match="Chief Constable"):
        registry.register_role_permissions("example", {"Chief Constable": ("example.*",)})
    assert "example" not in registry.role_permissions.entries


def test_what_a_role_may_do_comes_from_the_portal_and_each_app():
    grants_officer = ROLES_BY_NAME["Grants officer"]
    assert "pcc_portal.view_policingarea" in grants_officer.permissions
    assert "engagement.change_organisation" in patterns_of(grants_officer)
    assert matches(grants_officer, "engagement", "change_organisation")
    assert not matches(grants_officer, "engagement", "view_contact")
    commissioner = ROLES_BY_NAME["Commissioner and Deputy"]
    assert matches(commissioner, "engagement", "view_contact")
    assert not matches(commissioner, "engagement", "change_contact")
    assert not matches(commissioner, "pcc_portal", "view_devicetoken")


@pytest.mark.django_db
def test_the_groups_hold_the_registered_permissions():
    codes = set(
        Group.objects.get(name="Grants officer").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("engagement", "change_organisation") in codes
    assert ("engagement", "view_contact") not in codes


def test_a_home_section_needs_items_or_a_template():
    with pytest.raises(ImproperlyConfigured):
        registry.register_home_section(registry.HomeSection("empty", "Nothing"))
    assert "empty" not in registry.home_sections.entries


def test_a_menu_entry_names_a_known_menu():
    with pytest.raises(ImproperlyConfigured):
        registry.register_nav(registry.NavEntry("Somewhere", "pcc_portal:home", "sidebar"))


@pytest.mark.django_db
def test_one_api_root_lists_every_apps_endpoints(client, make_user, reference_data):
    _, key = issue_device_token(user=make_user("Administrator"), name="Laptop", verified=True)
    root = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert set(registry.api_routes.entries) <= set(root)
    assert {"policing-areas", "objectives", "contacts", "organisations", "activity-areas"} <= set(
        root
    )


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["privacy", "accessibility"])
def test_each_apps_part_is_shown_below_the_offices_own_text(client, reference_data, slug):
    parts = registry.parts_of(slug)
    assert parts, "an app registers a part of every statement"
    html = client.get(f"/{slug}/").content.decode()
    office_text = html.index('class="govuk-heading-xl"')
    for part in parts:
        assert html.index(f">{part.title}</h2>") > office_text
    if slug == "privacy":
        holder = OfficeProfile.objects.get().holder_title
        assert f"Issues raised for the {holder}" in html
        assert "{{" not in html


def test_due_reminders_gathers_every_provider_soonest_first(monkeypatch):
    def first(*, start, end):
        return [registry.Reminder("a:1:2026-12-03", (), date(2026, 12, 3), "Later", "/a/")]

    def second(*, start, end):
        assert (start, end) == (date(2026, 12, 1), date(2026, 12, 1))
        return [registry.Reminder("b:1:2026-12-01", (), date(2026, 12, 1), "Sooner", "/b/")]

    monkeypatch.setattr(registry, "reminder_providers", registry.Registry())
    registry.register_reminder_provider("a", first)
    registry.register_reminder_provider("b", second)
    due = registry.due_reminders(start=date(2026, 12, 1), end=date(2026, 12, 1))
    assert [r.title for r in due] == ["Sooner", "Later"]
