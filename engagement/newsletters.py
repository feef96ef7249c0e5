"""Newsletter issues: composing, assembling, previewing, testing, scheduling and sending them.

An issue's content is assembled from its news items and the sections every app registers
(`pcc_portal.registry.newsletter_sections`, decision 19) for the days it covers (`period`), as
JSON: the one context the email's templates, the preview and the public web view all read.
When the issue is sent, that content is kept as its mailing's context, so the web view of a sent
issue shows what was sent, not what the sections would say today.

Sending is one bulk mailing through the portal's send service (`send_bulk`, decision 42): one
delivery per address across the issue's lists, each with its own unsubscribe link (and so the
List-Unsubscribe headers of RFC 8058). Every verb here owns its transaction and locks the issue
row before reading its status, so two people pressing "Send" at once send it once.
"""

from dataclasses import asdict
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from pcc_portal import registry
from pcc_portal.mail import services as mail
from pcc_portal.models import OfficeProfile, User

from . import rules
from .calendar_text import LONDON
from .newsletter_models import DistributionList, NewsItem, Newsletter

Status = Newsletter.Status
Kind = Newsletter.Kind

TEMPLATE = "engagement/email/newsletter"
# The colour of each status's tag on the staff pages (GOV.UK tag modifiers).
COLOURS = {
    Status.DRAFT: "grey",
    Status.SCHEDULED: "blue",
    Status.SENDING: "yellow",
    Status.PAUSED: "orange",
    Status.SENT: "green",
}
# The days an issue looks ahead over, from its date: events in them, consultations and grant
# rounds open in them. A weekly issue covers two weeks, so nothing falls between two issues.
PERIOD_DAYS = {Kind.WEEKLY: 14, Kind.QUARTERLY: 91, Kind.OTHER: 28}
# The weekly issue is drafted on Mondays with the stories published in the week before.
WEEKLY_LIST_SLUG = "weekly-newsletter"
WEEKLY_NEWS_DAYS = 7
TEST_SUBJECT_PREFIX = "[Test] "

CANNOT_COMPOSE = "You cannot change newsletters"
CANNOT_SEND = "You cannot send newsletters"
NOT_A_DRAFT = "This issue has already been sent or is sending: it can no longer be changed"
NO_LISTS = "Select at least one list to send the issue to"
NO_RECIPIENTS = "Nobody is on the lists this issue goes to: there is no one to send it to"
NOT_SENDING = "Only an issue that is sending can be paused"
NOT_PAUSED = "Only a paused issue can be resumed"
SCHEDULE_IN_FUTURE = "The time to send must be in the future"
UNKNOWN_SECTION = "Select sections from the list"
NOT_SCHEDULED = "This issue is not scheduled"

# The moves an issue's status may make; each verb below checks its move against this table on
# the locked row. A sending issue becomes sent when its mailing has no delivery left (`progress`).
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SCHEDULED, Status.SENDING}),
    Status.SCHEDULED: frozenset({Status.SCHEDULED, Status.DRAFT, Status.SENDING}),
    Status.SENDING: frozenset({Status.PAUSED, Status.SENT}),
    Status.PAUSED: frozenset({Status.SENDING}),
    Status.SENT: frozenset(),
}


def may_move(newsletter: Newsletter, to: str) -> bool:
    return to in MOVES.get(newsletter.status, frozenset())


def _locked_for(newsletter: Newsletter, to: str, refusal: str) -> Newsletter:
    """The issue's row, locked for the rest of the transaction, once its status may move to
    `to`; ValidationError(refusal) otherwise."""
    locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not may_move(locked, to):
        raise ValidationError(refusal)
    return locked


# --- What an issue holds ----------------------------------------------------------------------


def issue_date(newsletter: Newsletter, *, now: datetime | None = None) -> date:
    """The day the issue is dated: when it was sent, when it is scheduled, or today."""
    moment = newsletter.sent_at or newsletter.scheduled_for or now or timezone.now()
    return timezone.localtime(moment, LONDON).date()


def period(newsletter: Newsletter, *, now: datetime | None = None) -> tuple[date, date]:
    """The days the issue covers: from its date, for its kind's number of days."""
    start = issue_date(newsletter, now=now)
    return start, start + timedelta(days=PERIOD_DAYS.get(newsletter.kind, 28) - 1)


def section_choices() -> list[tuple[str, str]]:
    return [(section.key, section.title) for section in registry.newsletter_sections()]


def assemble(newsletter: Newsletter, *, now: datetime | None = None) -> dict:
    """The issue's content as JSON: subject, introduction, date, its published news items and
    each chosen section with entries (a section with none is left out). Links are absolute."""
    start, end = period(newsletter, now=now)
    chosen = set(newsletter.sections or ())
    sections = []
    for section in registry.newsletter_sections():
        if section.key not in chosen:
            continue
        items = [
            {**asdict(item), "url": mail.absolute_url(item.url)}
            for item in section.items(start, end)
        ]
        if items:
            sections.append({"key": section.key, "title": section.title, "items": items})
    news = [
        {
            "title": item.title,
            "summary": item.summary,
            "url": mail.absolute_url(reverse("engagement:news_item", args=[item.slug])),
        }
        for item in newsletter.news_items.published().order_by("-published_at", "-pk")
    ]
    return {
        "newsletter_id": newsletter.pk,
        "subject": newsletter.subject,
        "introduction": newsletter.introduction,
        "issue_date": mail.date_in_words(start),
        "web_url": mail.absolute_url(
            reverse("engagement:newsletter_web_view", args=[newsletter.pk])
        ),
        "news_url": mail.absolute_url(reverse("engagement:news_list")),
        "news": news,
        "sections": sections,
    }


def render_parts(content: dict) -> tuple[str, str]:
    """The issue's HTML and plain-text parts, rendered as the send service renders them: the
    text part without HTML escaping."""
    office = OfficeProfile.objects.get_current()
    context = {**content, "office": office}
    text = get_template(f"{TEMPLATE}.txt").template.render(Context(context, autoescape=False))
    return get_template(f"{TEMPLATE}.html").render(context), text


def sent_content(newsletter: Newsletter) -> dict | None:
    """What a sent (or sending) issue was sent with, or None for one not sent yet."""
    mailing = getattr(newsletter, "mailing", None)
    return dict(mailing.context) if mailing is not None else None


# --- Composing --------------------------------------------------------------------------------


def _check_sections(sections) -> list[str]:
    known = {key for key, _ in section_choices()}
    sections = list(dict.fromkeys(sections or ()))
    if any(key not in known for key in sections):
        raise ValidationError({"sections": UNKNOWN_SECTION})
    return sections


def save_issue(
    *,
    newsletter: Newsletter | None = None,
    subject: str,
    introduction: str,
    kind: str,
    lists,
    news_items,
    sections,
    by: User,
) -> Newsletter:
    """Create a draft issue, or change one that has not been sent. Raises PermissionDenied for
    someone who may not compose newsletters, ValidationError for an issue already sending or
    sent, no list chosen, an unknown section, or what the model refuses."""
    if not by.has_perm(rules.COMPOSE_NEWSLETTERS):
        raise PermissionDenied(CANNOT_COMPOSE)
    lists = list(lists)
    if not lists:
        raise ValidationError({"lists": NO_LISTS})
    sections = _check_sections(sections)
    with transaction.atomic():
        if newsletter is None:
            newsletter = Newsletter(created_by=by)
        else:
            newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
            if not newsletter.is_changeable:
                raise ValidationError(NOT_A_DRAFT)
        newsletter.subject = mail.one_line(subject, limit=200)
        newsletter.introduction = (introduction or "").strip()
        newsletter.kind = kind
        newsletter.sections = sections
        newsletter.full_clean(exclude=["lists", "news_items"])
        newsletter.save()
        newsletter.lists.set(lists)
        newsletter.news_items.set(news_items)
    return newsletter


def draft_weekly_issue(*, today: date) -> Newsletter:
    """The week's issue, drafted for a person to review and send: to the weekly list, with
    every section and the stories published in the seven days before `today`. Drafting again in
    the same week returns the issue already drafted (the beat may run twice)."""
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=LONDON)
    with transaction.atomic():
        weekly_list = (
            DistributionList.objects.select_for_update().filter(slug=WEEKLY_LIST_SLUG).first()
        )
        existing = (
            Newsletter.objects.select_for_update()
            .filter(
                kind=Kind.WEEKLY, created_at__gte=start, created_at__lt=start + timedelta(days=7)
            )
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        since = datetime.combine(
            today - timedelta(days=WEEKLY_NEWS_DAYS), datetime.min.time(), tzinfo=LONDON
        )
        newsletter = Newsletter.objects.create(
            subject=f"Weekly newsletter: {mail.date_in_words(today)}",
            kind=Kind.WEEKLY,
            sections=[key for key, _ in section_choices()],
            scheduled_for=None,
        )
        if weekly_list is not None:
            newsletter.lists.add(weekly_list)
        newsletter.news_items.set(NewsItem.objects.published().filter(published_at__gte=since))
    return newsletter


# --- Testing, scheduling and sending ----------------------------------------------------------


def send_test(*, newsletter: Newsletter, by: User):
    """Email the issue, as it stands, to the person asking: one ordinary email, marked as a
    test, with no unsubscribe link."""
    if not by.has_perm(rules.COMPOSE_NEWSLETTERS):
        raise PermissionDenied(CANNOT_COMPOSE)
    content = {**assemble(newsletter), "unsubscribe_url": "", "is_test": True}
    with transaction.atomic():
        return mail.send_email(
            to=by.email,
            subject=TEST_SUBJECT_PREFIX + newsletter.subject,
            template=TEMPLATE,
            context=content,
            related=newsletter,
        )


def recipients(newsletter: Newsletter) -> list:
    """One `BulkRecipient` per address across the issue's lists, none suppressed. Its
    unsubscribe link takes the address off every one of the issue's lists it is on (the first
    of them named on the page), so that the one click stops this email."""
    from .subscriptions import unsubscribe_url

    found: dict[str, tuple] = {}  # address -> (its ListRecipient, the issue's lists it is on)
    for distribution_list in newsletter.lists.order_by("position", "name", "pk"):
        for recipient in distribution_list.recipients():
            _, lists = found.setdefault(recipient.email, (recipient, []))
            lists.append(distribution_list)
    result = []
    for recipient, lists in found.values():
        url = unsubscribe_url(recipient, lists[0], also=lists[1:])
        result.append(
            mail.BulkRecipient(
                email=recipient.email,
                context={"unsubscribe_url": url or "", "name": recipient.name},
                unsubscribe_url=url,
            )
        )
    return result


def send_issue(*, newsletter: Newsletter, by: User | None) -> Newsletter:
    """Send the issue now to everyone on its lists (once per address), through one bulk
    mailing; the issue is then "sending" and its page shows the progress.

    `by` is None when the schedule sends it. Raises PermissionDenied for someone who may not send
    newsletters and ValidationError for an issue already sent or sending, or with nobody to go to.
    """
    if by is not None and not by.has_perm(rules.SEND_NEWSLETTERS):
        raise PermissionDenied(CANNOT_SEND)
    with transaction.atomic():
        newsletter = _locked_for(newsletter, Status.SENDING, NOT_A_DRAFT)
        now = timezone.now()
        newsletter.sent_at = now  # dates the issue: its content is assembled for today
        content = assemble(newsletter, now=now)
        to = recipients(newsletter)
        if not to:
            raise ValidationError(NO_RECIPIENTS)
        mailing = mail.send_bulk(
            subject=newsletter.subject,
            template=TEMPLATE,
            context=content,
            recipients=to,
            related=newsletter,
        )
        newsletter.mailing = mailing
        newsletter.status = Status.SENDING
        newsletter.save(update_fields=["mailing", "status", "sent_at"])
    return newsletter


def schedule_issue(*, newsletter: Newsletter, when: datetime, by: User) -> Newsletter:
    """Send the issue at `when` (the schedule's job sends it within minutes of it)."""
    if not by.has_perm(rules.SEND_NEWSLETTERS):
        raise PermissionDenied(CANNOT_SEND)
    if when <= timezone.now():
        raise ValidationError({"when": SCHEDULE_IN_FUTURE})
    with transaction.atomic():
        newsletter = _locked_for(newsletter, Status.SCHEDULED, NOT_A_DRAFT)
        if not newsletter.lists.exists():
            raise ValidationError(NO_LISTS)
        newsletter.status, newsletter.scheduled_for = Status.SCHEDULED, when
        newsletter.save(update_fields=["status", "scheduled_for"])
    return newsletter


def unschedule_issue(*, newsletter: Newsletter, by: User) -> Newsletter:
    """Back to a draft: the schedule will not send it."""
    if not by.has_perm(rules.SEND_NEWSLETTERS):
        raise PermissionDenied(CANNOT_SEND)
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        # A draft may not "move" to draft: only a scheduled issue is unscheduled.
        if newsletter.status != Status.SCHEDULED or not may_move(newsletter, Status.DRAFT):
            raise ValidationError(NOT_SCHEDULED)
        newsletter.status, newsletter.scheduled_for = Status.DRAFT, None
        newsletter.save(update_fields=["status", "scheduled_for"])
    return newsletter


def send_scheduled_issues(*, now: datetime) -> list[int]:
    """Send every scheduled issue whose time has come; the ids of those sent. One that cannot
    be sent (nobody on its lists) goes back to being a draft, for a person to look at."""
    sent = []
    due = Newsletter.objects.filter(status=Status.SCHEDULED, scheduled_for__lte=now)
    for newsletter in due.order_by("scheduled_for", "pk"):
        try:
            send_issue(newsletter=newsletter, by=None)
        except ValidationError:
            Newsletter.objects.filter(pk=newsletter.pk, status=Status.SCHEDULED).update(
                status=Status.DRAFT
            )
            continue
        sent.append(newsletter.pk)
    return sent


def pause_issue(*, newsletter: Newsletter, by: User) -> Newsletter:
    """Stop sending between two messages; `resume_issue` carries on where it stopped."""
    if not by.has_perm(rules.SEND_NEWSLETTERS):
        raise PermissionDenied(CANNOT_SEND)
    with transaction.atomic():
        newsletter = _locked_for(newsletter, Status.PAUSED, NOT_SENDING)
        # A mailing that has finished meanwhile is not paused: the issue has been sent.
        if newsletter.mailing is None or not mail.pause_mailing(newsletter.mailing):
            raise ValidationError(NOT_SENDING)
        newsletter.status = Status.PAUSED
        newsletter.save(update_fields=["status"])
    return newsletter


def resume_issue(*, newsletter: Newsletter, by: User) -> Newsletter:
    if not by.has_perm(rules.SEND_NEWSLETTERS):
        raise PermissionDenied(CANNOT_SEND)
    with transaction.atomic():
        newsletter = _locked_for(newsletter, Status.SENDING, NOT_PAUSED)
        if (
            newsletter.status != Status.PAUSED
            or newsletter.mailing is None
            or not mail.resume_mailing(newsletter.mailing)
        ):
            raise ValidationError(NOT_PAUSED)
        newsletter.status = Status.SENDING
        newsletter.save(update_fields=["status"])
    return newsletter


def progress(newsletter: Newsletter) -> dict | None:
    """Sent, failed, remaining and total of a sending, paused or sent issue; an issue whose
    mailing has finished is marked sent here (its page asks while it sends)."""
    mailing = newsletter.mailing
    if mailing is None:
        return None
    figures = mailing.progress()
    if newsletter.status == Status.SENDING and figures["remaining"] == 0:
        Newsletter.objects.filter(pk=newsletter.pk, status=Status.SENDING).update(
            status=Status.SENT
        )
        newsletter.status = Status.SENT
    return figures
