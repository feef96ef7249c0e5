"""Who may do what in the engagement work: named predicates, registered as permissions.

Every door asks these by name through Django's permission system (`user.has_perm(name)` or
`user.has_perm(name, record)`, answered by rules' ObjectPermissionBackend): the staff pages'
decorator, the querysets' `visible_to`, the services, the API's permission classes, the admin and
the menus. A role's model permissions (made by the roles table) are the raw material; whether a
person is staff, an active ambassador, or the ambassador of this very record is decided here.

The names never reuse Django's own "app.add_model" codenames: Django's ModelBackend answers those
without looking at the record, and any backend saying yes is a yes.
"""

import rules
from django.utils import timezone

from . import workflow

# --- Pages (menus show an entry exactly when its page would open) -----------------------------
OPEN_STAFF_CONTACTS = "engagement.open_staff_contacts"
OPEN_ISSUE_QUEUE = "engagement.open_issue_queue"
OPEN_COVERAGE = "engagement.open_coverage"
OPEN_STAFF_CALENDAR = "engagement.open_staff_calendar"
OPEN_AMBASSADOR_PAGES = "engagement.open_ambassador_pages"
# --- Which rows a person sees -----------------------------------------------------------------
SEE_ALL_CONTACTS = "engagement.see_all_contacts"
SEE_ALL_ORGANISATIONS = "engagement.see_all_organisations"
SEE_INTERNAL_EVENTS = "engagement.see_internal_events"
# --- Records (asked with the record) ----------------------------------------------------------
LOG_CONTACTS = "engagement.log_contacts"
VIEW_CONTACT_RECORD = "engagement.view_contact_record"
CHANGE_CONTACT_RECORD = "engagement.change_contact_record"
DELETE_CONTACT_RECORD = "engagement.delete_contact_record"
RAISE_ISSUE = "engagement.raise_issue"
MOVE_ISSUES = "engagement.move_issues"
LOG_ISSUE = "engagement.log_issue"
ADD_ORGANISATIONS = "engagement.add_organisations"
ADD_ORGANISATION_IN_AREA = "engagement.add_organisation_in_area"
ADD_EVENTS = "engagement.add_events"
CHANGE_EVENT_RECORD = "engagement.change_event_record"
# --- News items and newsletter issues ---------------------------------------------------------
WRITE_NEWS = "engagement.write_news"
# The menu entries of the same page: in the staff menu for staff, in an ambassador's own menu.
WRITE_NEWS_AS_STAFF = "engagement.write_news_as_staff"
WRITE_NEWS_AS_AMBASSADOR = "engagement.write_news_as_ambassador"
PUBLISH_NEWS = "engagement.publish_news"
CHANGE_NEWS_ITEM = "engagement.change_news_item"
OPEN_NEWSLETTERS = "engagement.open_newsletters"
COMPOSE_NEWSLETTERS = "engagement.compose_newsletters"
SEND_NEWSLETTERS = "engagement.send_newsletters"
# --- Distribution lists and subscribers -------------------------------------------------------
OPEN_DISTRIBUTION_LISTS = "engagement.open_distribution_lists"
IMPORT_LIST_CONTACTS = "engagement.import_list_contacts"
ADD_SUBSCRIBERS = "engagement.add_subscribers"


def holds(permission: str):
    """The person's roles grant this model permission (Django's ModelBackend decides)."""

    @rules.predicate(name=f"holds {permission}")
    def predicate(user) -> bool:
        return user.has_perm(permission)

    return predicate


@rules.predicate
def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def staff_holding(permission: str):
    """Works for the office and holds the permission: what a staff page asks."""
    return is_staff & holds(permission)


@rules.predicate
def is_active_ambassador(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    ambassador = getattr(user, "ambassador", None)
    return ambassador is not None and ambassador.active


@rules.predicate
def is_contacts_ambassador(user, contact) -> bool:
    """The contact was logged by this person."""
    if contact is None or not user.is_authenticated:
        return False
    return contact.ambassador.user_id == user.pk


@rules.predicate
def within_edit_window(user, contact) -> bool:
    """An ambassador may correct a contact for a few days after logging it."""
    return contact is not None and timezone.localdate() <= contact.editable_until


@rules.predicate
def area_is_ambassadors(user, area) -> bool:
    """The communications ambassador covers the whole force area; the others their own area."""
    ambassador = getattr(user, "ambassador", None)
    if ambassador is None:
        return False
    if ambassador.policing_area_id is None:
        return True
    return area is not None and getattr(area, "pk", area) == ambassador.policing_area_id


may_see_all_contacts = staff_holding("engagement.view_contact")
may_change_any_contact = staff_holding("engagement.change_contact")
may_change_contact = may_change_any_contact | (is_contacts_ambassador & within_edit_window)
may_move_issues = staff_holding("engagement.change_raisedissue")
may_add_any_organisation = staff_holding("engagement.add_organisation")
# Engagement officers publish news themselves and approve what others write; an ambassador (or
# anyone else who may write) submits a story for their approval.
may_publish_news = staff_holding("engagement.change_newsitem")
may_write_news = may_publish_news | (
    (is_staff | is_active_ambassador) & holds("engagement.add_newsitem")
)


@rules.predicate
def is_news_authors_draft(user, item) -> bool:
    """The person wrote the story and it is not published or waiting for approval."""
    if item is None or not user.is_authenticated:
        return False
    return item.author_id == user.pk and item.status in ("draft", "rejected")


RULES = {
    OPEN_STAFF_CONTACTS: may_see_all_contacts,
    OPEN_ISSUE_QUEUE: staff_holding("engagement.view_raisedissue"),
    OPEN_COVERAGE: may_see_all_contacts,
    OPEN_STAFF_CALENDAR: staff_holding("engagement.view_event"),
    OPEN_AMBASSADOR_PAGES: is_active_ambassador,
    SEE_ALL_CONTACTS: may_see_all_contacts,
    SEE_ALL_ORGANISATIONS: staff_holding("engagement.view_organisation"),
    SEE_INTERNAL_EVENTS: staff_holding("engagement.view_event"),
    LOG_CONTACTS: is_active_ambassador & holds("engagement.add_contact"),
    VIEW_CONTACT_RECORD: may_see_all_contacts | is_contacts_ambassador,
    CHANGE_CONTACT_RECORD: may_change_contact,
    DELETE_CONTACT_RECORD: staff_holding("engagement.delete_contact"),
    # Raising an issue is part of logging or correcting the contact it comes from.
    RAISE_ISSUE: may_change_contact,
    MOVE_ISSUES: may_move_issues,
    # An issue the office hears of other than from an ambassador (a complaint, a letter) is
    # logged into the queue by those who keep it.
    LOG_ISSUE: staff_holding("engagement.add_raisedissue"),
    ADD_ORGANISATIONS: may_add_any_organisation
    | (is_active_ambassador & holds("engagement.add_organisation")),
    ADD_ORGANISATION_IN_AREA: may_add_any_organisation
    | (is_active_ambassador & holds("engagement.add_organisation") & area_is_ambassadors),
    # The calendar's events: the staff pages and the admin ask the same two rules.
    ADD_EVENTS: staff_holding("engagement.add_event"),
    CHANGE_EVENT_RECORD: staff_holding("engagement.change_event"),
    # News and newsletters: the staff pages, the admin and the services ask these.
    WRITE_NEWS: may_write_news,
    WRITE_NEWS_AS_STAFF: is_staff & may_write_news,
    WRITE_NEWS_AS_AMBASSADOR: ~is_staff & is_active_ambassador & may_write_news,
    PUBLISH_NEWS: may_publish_news,
    CHANGE_NEWS_ITEM: may_publish_news | (may_write_news & is_news_authors_draft),
    OPEN_NEWSLETTERS: staff_holding("engagement.view_newsletter"),
    COMPOSE_NEWSLETTERS: staff_holding("engagement.change_newsletter"),
    SEND_NEWSLETTERS: staff_holding("engagement.change_newsletter"),
    # Lists: staff see them and import contacts; an ambassador or officer adds a person met in
    # the field (with that person's recorded consent, which starts the double opt-in).
    OPEN_DISTRIBUTION_LISTS: staff_holding("engagement.view_distributionlist"),
    IMPORT_LIST_CONTACTS: staff_holding("engagement.add_subscription"),
    ADD_SUBSCRIBERS: staff_holding("engagement.add_subscription")
    | (is_active_ambassador & holds("engagement.add_subscription")),
    # The raised-issue workflow's moves (workflow.py names which move asks which).
    workflow.ESCALATE: may_move_issues,
    workflow.ANSWER: may_move_issues,
    workflow.CLOSE: may_move_issues,
}

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)


def moves_for(user, issue) -> list[workflow.Move]:
    """The workflow's moves out of the issue's state that this person may make."""
    return [move for move in workflow.moves_from(issue.status) if user.has_perm(move.rule, issue)]
