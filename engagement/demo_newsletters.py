"""Demo distribution lists, news and newsletters, dated around today (decision 23).

Written through the services, in the order things would have happened, then dated back as the
demo's other records are: people join the standard lists (most confirm, a few have not yet, a
couple leave), the mail provider reports a bounce and a complaint, staff import partners'
contacts into the internal lists; stories are written and published, one from an ambassador
waits for approval and one was sent back; last Monday's weekly issue was sent to its list, this
Monday's is drafted for review, and the quarterly issue is scheduled.

The emails of that story (confirmations, stories to approve, the newsletter) go through the
portal's send service to the email backend configured, and only while the mail stays on this
machine (`pcc_portal.demo_mail`); with an SMTP server configured the weekly issue is left a
draft instead of being sent.

Runs once every app's demo records are there (registered as engagement's demo finisher), so
the issue sent carries every app's sections. Idempotent: subscribers are found by address,
stories by title, and each issue is made only while there is none of its kind and week.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone

from pcc_portal.demo import demo_email
from pcc_portal.demo_mail import at, deliver_dated, mail_stays_local
from pcc_portal.mail.services import date_in_words
from pcc_portal.models import BulkDelivery, BulkMailing, OutboundMessage, PolicingArea, User
from pcc_portal.roles import ENGAGEMENT_OFFICER

from . import news, newsletters, subscriptions
from .models import Ambassador
from .newsletter_models import (
    ConsentMethod,
    DistributionList,
    LawfulBasis,
    NewsItem,
    Newsletter,
    Subscriber,
    Suppression,
)

WEEKLY, QUARTERLY, CONSULTATIONS = "weekly-newsletter", "quarterly-newsletter", "consultations"
BUSINESS = "business-and-rural"
SHORT = {"W": WEEKLY, "Q": QUARTERLY, "C": CONSULTATIONS, "B": BUSINESS}
DOMAINS = ("example.org", "example.com", "example.net")
# Minutes between asking to join and following the link in the email.
CONFIRMED_AFTER = timedelta(minutes=25)


@dataclass(frozen=True)
class Person:
    """Someone on the lists: how they joined, when, and what happened since. `lists` in short
    (W weekly, Q quarterly, C consultations, B business and rural); `by` picks the ambassador
    who met them."""

    name: str
    lists: str
    days_ago: int
    how: str = ConsentMethod.WEB_FORM
    confirmed: bool = True
    by: int = 0
    left: str = ""  # "W": left the weekly list; "all": every list, by the link in an email
    reported: str = ""  # the mail provider's report: "bounced" or "complained"
    reported_days_ago: int = 0

    @property
    def email(self) -> str:
        first, last = self.name.lower().replace("'", "").split(" ", 1)
        return f"{first}.{last.replace(' ', '')}@{DOMAINS[len(self.name) % len(DOMAINS)]}"


WEB, FIELD, AT_CONSULTATION = (
    ConsentMethod.WEB_FORM,
    ConsentMethod.IN_PERSON,
    ConsentMethod.CONSULTATION,
)
PEOPLE = (
    Person("Sarah Jenkins", "WQ", 280),
    Person("Mohammed Iqbal", "WC", 250),
    Person("Claire Davies", "W", 240),
    Person("Gareth Lloyd", "WQC", 220),
    Person("Emma Thompson", "W", 200),
    Person("Rajesh Patel", "C", 190),
    Person("Jennifer Walsh", "WQB", 175),
    Person("David Price", "W", 160, reported="bounced", reported_days_ago=40),
    Person("Hannah Roberts", "WC", 150),
    Person("Alan Whitaker", "C", 150, how=AT_CONSULTATION),
    Person("Stephen Hughes", "QB", 140),
    Person("Tom Harding", "B", 125),
    Person("Lucy Edwards", "W", 130),
    Person("Andrew Morris", "WQ", 120, left="W"),
    Person("Fatima Begum", "WC", 110),
    Person("Peter Collins", "W", 100, reported="complained", reported_days_ago=25),
    Person("Brian Hollis", "WB", 95, how=FIELD, by=0),
    Person("Rebecca Turner", "WQ", 90),
    Person("Diane Foley", "C", 85, how=AT_CONSULTATION),
    Person("James O'Brien", "W", 80),
    Person("Karen Mitchell", "CB", 70),
    Person("Margaret Evans", "WC", 65, how=FIELD, by=1),
    Person("Oliver Bennett", "W", 60),
    Person("Nia Williams", "WB", 55),
    Person("Sophie Clarke", "WQ", 50, left="all"),
    Person("Thomas Wright", "W", 45),
    Person("Kevin Moss", "C", 40, how=AT_CONSULTATION),
    Person("Megan Ellis", "WC", 35),
    Person("Sunita Rao", "C", 33, how=FIELD, by=2),
    Person("Daniel Foster", "W", 28),
    Person("Zara Hussain", "WQ", 21),
    Person("Michael Green", "W", 16),
    Person("Laura Adams", "W", 4, confirmed=False),
    Person("Colin Parry", "W", 3, how=FIELD, by=3, confirmed=False),
    Person("Ben Carter", "WQ", 2, confirmed=False),
    Person("Amira Saleh", "C", 1, confirmed=False),
)
# Leaving and the provider's reports come this many days after joining, at the latest.
LEFT_AFTER_DAYS = 30

# Partners' addresses staff import into the internal lists (only those: people join a public list
# by confirming their address themselves), on a stated basis.
IMPORTS = (
    (
        "victims-consultations",
        LawfulBasis.PUBLIC_TASK,
        200,
        (
            ("referrals@victim-support.example.org", "Referrals team, victim support service"),
            ("outreach@womens-aid.example.org", "Outreach worker, Women's Aid"),
            ("team@restorative-justice.example.org", "Restorative justice service"),
            # Suppressed by staff: the import skips it.
            ("info@community-counselling.example.net", "Community counselling service"),
        ),
    ),
    (
        "town-and-parish-councils",
        LawfulBasis.PUBLIC_TASK,
        170,
        (
            ("clerk@market-town-council.example.org", "Town clerk"),
            ("clerk@village-parish-council.example.org", "Parish clerk"),
        ),
    ),
)
# An address staff put on the suppression list before the imports.
STAFF_SUPPRESSION = (
    "info@community-counselling.example.net",
    "The service has closed and nobody reads the address",
    230,
)


@dataclass(frozen=True)
class Story:
    """A news story. `author`: "officer", "demo" (the demo ambassador sign-in) or a named
    ambassador's number; `day` counts from last Monday ("last"), this Monday ("this") or
    "today"; `state`: published, awaiting (approval) or sent back."""

    title: str
    summary: str
    body: str
    author: object
    week: str
    day: int
    state: str = "published"
    note: str = ""


STORIES = (
    Story(
        "Speed watch kits for twelve more villages",
        "Villages that asked for help with speeding drivers now have their own speed watch kit.",
        "Twelve more villages have a speed watch kit of their own, paid for by the office's "
        "community safety fund.\n\nVolunteers are trained by the neighbourhood teams, and the "
        "drivers they record are sent a letter. Drivers recorded more than once are visited.\n\n"
        "Any parish council can ask for a kit: contact the office.",
        "officer",
        "last",
        -30,
    ),
    Story(
        "Youth club's safety project wins a community award",
        "Young people who mapped the places they feel unsafe have won this year's award.",
        "Members of a youth club mapped the streets and parks where they feel unsafe, and took "
        "the map to the council and the neighbourhood team.\n\nThree of the places now have "
        "better lighting, and officers call in at the club every week. The project won this "
        "year's community safety award.",
        0,
        "last",
        -18,
    ),
    Story(
        "Thank you to everyone who answered the rural crime survey",
        "The survey has closed: here is what happens next.",
        "The rural crime survey has closed. Thank you to everyone who answered it, and to the "
        "farmers' groups and parish councils who shared it.\n\nWe are reading every answer, and "
        "will publish what people told us and what the office will do about it.",
        "officer",
        "last",
        -5,
    ),
    Story(
        "Farm watch reaches every market town",
        "The farm watch scheme now has a coordinator in every market town.",
        "Farm watch, which alerts farmers to thefts and suspicious vehicles nearby, now has a "
        "volunteer coordinator in every market town.\n\nAlerts go out by text message within "
        "minutes of a report. Farmers can join through their local coordinator.",
        "officer",
        "last",
        -3,
    ),
    Story(
        "New volunteer police cadets start training",
        "Thirty young people have joined the volunteer police cadets this term.",
        "Thirty young people aged 13 to 17 have joined the volunteer police cadets, and meet "
        "every week with officers and volunteer leaders.\n\nCadets help at community events and "
        "learn first aid, road safety and how the police work.",
        "officer",
        "this",
        -3,
    ),
    Story(
        "Scam awareness sessions at coffee mornings",
        "Ambassadors have talked to older residents about phone and doorstep scams.",
        "Community ambassadors have visited coffee mornings and lunch clubs to talk about phone "
        "and doorstep scams.\n\nThe sessions explain how to check a caller is who they say they "
        "are, and who to call if a trader at the door will not take no for an answer.",
        1,
        "this",
        -1,
    ),
    Story(
        "Street surgery hears from parents about parking near the school",
        "Parents told the ambassador about cars parked on the zig-zags at drop-off.",
        "At the street surgery outside the primary school, parents told me about cars parked on "
        "the zig-zag lines at drop-off and pick-up.\n\nThe neighbourhood team has agreed to "
        "visit at school times next month.",
        "demo",
        "today",
        -1,
        state="awaiting",
    ),
    Story(
        "Traders meet the neighbourhood team about shop theft",
        "Shopkeepers and officers agreed a plan for reporting shop theft.",
        "The Chamber of Trade met the neighbourhood team about shop theft. Mr Jones of Jones "
        "Hardware said his staff had been threatened.\n\nThey agreed a plan for reporting.",
        "demo",
        "today",
        -4,
        state="sent back",
        note=(
            "Thank you. Please take out the names of the shop and its owner, and add the date "
            "of the next traders' meeting."
        ),
    ),
)

LAST_WEEK_INTRODUCTION = (
    "This week: the rural crime survey has closed, and farm watch now reaches every market "
    "town. Below are the events coming up near you and the consultations open now."
)
QUARTERLY_INTRODUCTION = (
    "Three months of the office's work: what people told us, what we funded and what comes next."
)
QUARTERLY_IN_DAYS = 10


@dataclass
class Made:
    subscribers: int = 0
    suppressions: int = 0
    stories: int = 0
    issues: int = 0


def _weeks(today: date) -> dict[str, date]:
    """The days the stories are dated from: last Monday, this Monday and today."""
    this_monday = today - timedelta(days=today.weekday())
    return {"last": this_monday - timedelta(days=7), "this": this_monday, "today": today}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _people_who_work_here() -> tuple[User | None, list[User], User | None]:
    """The demo engagement officer, the named ambassadors and the demo ambassador sign-in."""
    officer = User.objects.filter(email=demo_email(ENGAGEMENT_OFFICER.name)).first()
    ambassadors = [
        a.user
        for a in Ambassador.objects.filter(user__email__startswith="ambassador.")
        .select_related("user")
        .order_by("pk")
    ]
    demo = User.objects.filter(email="ambassador@demo.invalid", ambassador__isnull=False).first()
    return officer, ambassadors, demo


# --- The lists ------------------------------------------------------------------------------


def _join(person: Person, lists, area, added_by, now: datetime):
    """Ask to join as the person did, deliver the email with the link, and follow it (for those
    who did). Returns the subscriber."""
    wording = {
        WEB: subscriptions.sign_up_wording(lists),
        FIELD: subscriptions.field_wording(lists),
        AT_CONSULTATION: subscriptions.CONSULTATION_WORDING,
    }[person.how]
    request = subscriptions.request_subscription(
        email=person.email,
        lists=lists,
        method=person.how,
        wording=wording,
        name=person.name,
        policing_area=area,
        added_by=added_by,
        now=now,
    )
    subscriber = request.subscriber
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=now)
    deliver_dated(
        OutboundMessage.objects.filter(
            template=subscriptions.CONFIRMATION_TEMPLATE, to_email=subscriber.email, sent_at=None
        ),
        now,
    )
    if person.confirmed:
        token = subscriptions.confirmation_token(subscriber, request.pending)
        subscriptions.confirm_subscription(token=token, now=now + CONFIRMED_AFTER)
    return subscriber


def _after_joining(person: Person, lists_by_slug, today: date) -> int:
    """Leaving, and what the mail provider reported. Returns the addresses suppressed."""
    if person.left == "W" and WEEKLY in lists_by_slug:
        subscriptions.unsubscribe(
            email=person.email,
            distribution_list=lists_by_slug[WEEKLY],
            source="Unsubscribe link in the weekly newsletter",
            now=at(today - timedelta(days=person.days_ago - LEFT_AFTER_DAYS), 19, 12),
        )
    elif person.left == "all":
        when = at(today - timedelta(days=person.days_ago - LEFT_AFTER_DAYS), 20, 5)
        subscriptions.unsubscribe_everywhere(
            email=person.email, source="Asked to be taken off every list", now=when
        )
        Suppression.objects.filter(email=person.email).update(created_at=when)
        return 1
    if person.reported:
        subscriptions.record_tracking_event(
            event_type=person.reported, recipient=person.email, esp_name="Mail provider"
        )
        when = at(today - timedelta(days=person.reported_days_ago), 10, 40)
        Suppression.objects.filter(email=person.email).update(created_at=when)
        return 1
    return 0


def _lists(lists_by_slug, officer, ambassadors, demo_ambassador, today, made: Made) -> None:
    areas = list(PolicingArea.objects.order_by("pk"))
    met_by = [*ambassadors[:3], demo_ambassador]
    known = set(
        Subscriber.objects.filter(email__in=[p.email for p in PEOPLE]).values_list(
            "email", flat=True
        )
    )
    for number, person in enumerate(PEOPLE):
        if person.email in known:
            continue
        lists = [lists_by_slug[SHORT[c]] for c in person.lists if SHORT[c] in lists_by_slug]
        if not lists:
            continue
        added_by = met_by[person.by] if person.how == FIELD and person.by < len(met_by) else None
        if person.how == FIELD and added_by is None:
            added_by = officer
        now = at(today - timedelta(days=person.days_ago), 9 + number % 10, (number * 7) % 60)
        area = areas[number % len(areas)] if areas else None
        _join(person, lists, area, added_by, now)
        made.subscribers += 1
        made.suppressions += _after_joining(person, lists_by_slug, today)

    email, source, days_ago = STAFF_SUPPRESSION
    if not Suppression.objects.filter(email=email).exists():
        subscriptions.suppress(email=email, reason=Suppression.Reason.BY_STAFF, source=source)
        when = at(today - timedelta(days=days_ago), 14, 20)
        Suppression.objects.filter(email=email).update(created_at=when)
        made.suppressions += 1

    for slug, basis, days_ago, rows in IMPORTS:
        distribution_list = lists_by_slug.get(slug)
        addresses = [address for address, _ in rows]
        if (
            distribution_list is None
            or distribution_list.is_public
            or officer is None
            or Subscriber.objects.filter(email__in=addresses).exists()
        ):
            continue
        csv = "email,name\n" + "".join(f'{address},"{name}"\n' for address, name in rows)
        now = at(today - timedelta(days=days_ago), 11, 30)
        result = subscriptions.import_contacts(
            distribution_list=distribution_list, data=csv, lawful_basis=basis, by=officer, now=now
        )
        Subscriber.objects.filter(email__in=addresses).update(created_at=now)
        made.subscribers += result.added


# --- The news -------------------------------------------------------------------------------


def _news_dated(item: NewsItem, *, written: datetime, changed: datetime, published=None) -> None:
    fields = {"created_at": written, "updated_at": changed}
    if published is not None:
        fields["published_at"] = published
    NewsItem.objects.filter(pk=item.pk).update(**fields)


def _emails_about(item: NewsItem):
    return OutboundMessage.objects.filter(
        object_id=str(item.pk), template__startswith="engagement/email/news_", sent_at=None
    )


def _story(story: Story, officer, ambassadors, demo_ambassador, weeks) -> bool:
    """Write the story through the services, move it as it went, and date each step. Returns
    whether it was written (its author is among the demo's people)."""
    author = {"officer": officer, "demo": demo_ambassador}.get(story.author)
    if isinstance(story.author, int) and story.author < len(ambassadors):
        author = ambassadors[story.author]
    if author is None or officer is None:
        return False
    day = weeks[story.week] + timedelta(days=story.day)
    item = news.write_news_item(
        title=story.title, summary=story.summary, body=story.body, by=author
    )
    written = at(day - timedelta(days=2 if author != officer else 1), 15, 10)
    if author != officer:
        # Sent for approval: the engagement officers are told.
        news.move_news_item(item=item, to=NewsItem.Status.AWAITING_APPROVAL, by=author)
        submitted = at(day, 11, 5) if story.state == "awaiting" else written
        deliver_dated(_emails_about(item), submitted)
        if story.state == "awaiting":
            _news_dated(item, written=submitted - timedelta(hours=1), changed=submitted)
            return True
    if story.state == "sent back":
        news.move_news_item(item=item, to=NewsItem.Status.REJECTED, by=officer, note=story.note)
        sent_back = at(day + timedelta(days=2), 9, 45)
        deliver_dated(_emails_about(item), sent_back)
        _news_dated(item, written=written, changed=sent_back)
        return True
    news.move_news_item(item=item, to=NewsItem.Status.PUBLISHED, by=officer)
    published = at(day, 10, 15)
    _news_dated(item, written=written, changed=published, published=published)
    return True


def _stories(week: str, officer, ambassadors, demo_ambassador, weeks, made: Made) -> None:
    have = set(NewsItem.objects.values_list("title", flat=True))
    for story in STORIES:
        if story.week != week or story.title in have:
            continue
        if _story(story, officer, ambassadors, demo_ambassador, weeks):
            made.stories += 1


# --- The newsletters ------------------------------------------------------------------------


def _send_for_the_demo(issue: Newsletter, officer: User, when: datetime) -> int | None:
    """Send the issue through the services, its batches sent here rather than by the worker,
    then date it `when`. Returns how many it went to, or None when not every delivery went: if
    the rate cap held some back the issue stays "sending", undated, for the worker to finish."""
    from pcc_portal.mail.bulk import BatchOutcome, send_batch

    try:
        issue = newsletters.send_issue(newsletter=issue, by=officer)
    except ValidationError:
        return None  # nobody on its list
    while send_batch(issue.mailing_id).outcome == BatchOutcome.MORE:
        pass
    figures = newsletters.progress(issue)
    if issue.status != Newsletter.Status.SENT:
        return None
    span = BulkDelivery.objects.filter(mailing=issue.mailing_id).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    took = (span["last"] - span["first"]) if figures["sent"] else timedelta(0)
    BulkDelivery.objects.filter(mailing=issue.mailing_id).update(
        next_attempt_at=when, claimed_at=when, sent_at=when
    )
    mailing = BulkMailing.objects.get(pk=issue.mailing_id)
    # The issue as sent is dated the day it went, as its subject is.
    mailing.context = {**mailing.context, "issue_date": date_in_words(timezone.localdate(when))}
    mailing.created_at = mailing.next_attempt_at = when
    mailing.finished_at = when + max(took, timedelta(seconds=40))
    mailing.save(update_fields=["context", "created_at", "next_attempt_at", "finished_at"])
    Newsletter.objects.filter(pk=issue.pk).update(sent_at=when)
    return figures["sent"]


def _last_weeks_issue(officer, lists_by_slug, weeks, stdout, made: Made) -> None:
    this_monday, last_monday = weeks["this"], weeks["last"]
    weekly = Newsletter.Kind.WEEKLY
    if (
        officer is None
        or WEEKLY not in lists_by_slug
        or Newsletter.objects.filter(kind=weekly, created_at__lt=_start_of(this_monday)).exists()
    ):
        return
    issue = newsletters.draft_weekly_issue(today=last_monday)
    Newsletter.objects.filter(pk=issue.pk).update(created_at=at(last_monday, 6))
    issue = newsletters.save_issue(
        newsletter=issue,
        subject=issue.subject,
        introduction=LAST_WEEK_INTRODUCTION,
        kind=weekly,
        lists=issue.lists.all(),
        news_items=issue.news_items.all(),
        sections=issue.sections,
        by=officer,
    )
    made.issues += 1
    if not mail_stays_local():
        stdout.write("  last week's issue left a draft: the mail would leave this machine\n")
        return
    sent_to = _send_for_the_demo(issue, officer, at(last_monday, 10, 30))
    if sent_to is None:
        stdout.write("  last week's issue is not sent yet: see its page\n")
    else:
        stdout.write(f"  last week's issue sent to {sent_to} addresses\n")


def _this_weeks_draft(weeks, made: Made) -> None:
    this_monday = weeks["this"]
    weekly = Newsletter.Kind.WEEKLY
    if Newsletter.objects.filter(kind=weekly, created_at__gte=_start_of(this_monday)).exists():
        return
    # As the Monday morning job drafts it, for a person to review and send.
    issue = newsletters.draft_weekly_issue(today=this_monday)
    Newsletter.objects.filter(pk=issue.pk).update(created_at=at(this_monday, 6))
    made.issues += 1


def _quarterly_issue(officer, lists_by_slug, today: date, made: Made) -> None:
    if (
        officer is None
        or QUARTERLY not in lists_by_slug
        or Newsletter.objects.filter(kind=Newsletter.Kind.QUARTERLY).exists()
    ):
        return
    when = timezone.make_aware(
        datetime.combine(today + timedelta(days=QUARTERLY_IN_DAYS), time(10))
    )
    since = _start_of(today - timedelta(days=91))
    issue = newsletters.save_issue(
        subject=f"Quarterly newsletter: {when:%B %Y}",
        introduction=QUARTERLY_INTRODUCTION,
        kind=Newsletter.Kind.QUARTERLY,
        lists=[lists_by_slug[QUARTERLY]],
        news_items=NewsItem.objects.published().filter(published_at__gte=since),
        sections=[key for key, _ in newsletters.section_choices()],
        by=officer,
    )
    newsletters.schedule_issue(newsletter=issue, when=when, by=officer)
    made.issues += 1


def fill(*, today: date, stdout) -> None:
    """Engagement's demo finisher: the lists, the news and the newsletters (see the module)."""
    officer, ambassadors, demo_ambassador = _people_who_work_here()
    lists_by_slug = DistributionList.objects.in_bulk(field_name="slug")
    weeks = _weeks(today)
    made = Made()
    people = (officer, ambassadors, demo_ambassador)
    _lists(lists_by_slug, *people, today, made)
    # In the order it happened: the stories of the weeks before last Monday's issue, the issue,
    # then this week's stories and this Monday's draft.
    _stories("last", *people, weeks, made)
    _last_weeks_issue(officer, lists_by_slug, weeks, stdout, made)
    _stories("this", *people, weeks, made)
    _stories("today", *people, weeks, made)
    _this_weeks_draft(weeks, made)
    _quarterly_issue(officer, lists_by_slug, today, made)
    stdout.write(f"  {made.subscribers} subscribers added\n")
    stdout.write(f"  {made.suppressions} addresses suppressed\n")
    stdout.write(f"  {made.stories} news stories written\n")
    stdout.write(f"  {made.issues} newsletter issues\n")
