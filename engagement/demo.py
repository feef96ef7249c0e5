"""Believable demo records for the engagement app, dated around today (decision 23).

Idempotent: people and organisations are found by email or name, and contacts are created only
until each ambassador has their share.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from pcc_portal.demo import DEMO_PASSWORD
from pcc_portal.models import PolicingArea, User
from pcc_portal.services import set_roles

from .models import (
    ActivityArea,
    Ambassador,
    Contact,
    ContactVolunteer,
    EngagementLevel,
    Event,
    Organisation,
    RaisedIssue,
    ReachedGroup,
    WorkPlan,
    WorkPlanFocus,
    WorkPlanReview,
)
from .workflow import IssueStatus

CONTACTS_PER_AMBASSADOR = 50
# About one contact in twelve raises an issue.
ISSUE_EVERY = 12
ISSUE_WEEKS = 16
AMBASSADOR_NAMES = [
    "Priya Sharma",
    "Tom Whitfield",
    "Grace Okafor",
    "Dafydd Morgan",
    "Helen Barker",
    "Marcus Reid",
    "Aisha Khan",
]


@dataclass(frozen=True)
class Audience:
    """Who an ambassador met (people, or an organisation made from a name pattern), with what
    such people talk about and the issues they would raise."""

    topics: tuple[str, ...]
    issues: tuple[str, ...]
    who: str = ""
    organisation: str = ""  # a name pattern; {town} is filled in
    kind: str = ""  # the organisation's kind


K = Organisation.Kind
AUDIENCES = (
    Audience(
        who="Parents at the school gate",
        topics=("Road safety near schools", "Drug dealing", "Keeping children safe online"),
        issues=(
            "Cars speed past the primary school at drop-off and pick-up, and the 20 mph limit "
            "is never enforced.",
            "Parents are worried about drug dealing near the secondary school.",
            "Parents ask who to tell about adults messaging their children online.",
        ),
    ),
    Audience(
        who="Shoppers on the high street",
        topics=("Anti-social behaviour in the town centre", "Visible policing", "Begging"),
        issues=(
            "Shoppers avoid the precinct in the evening because of groups drinking there.",
            "People rarely see an officer on foot in the town centre any more.",
            "Shoppers ask why the town centre cameras are not watched at night.",
        ),
    ),
    Audience(
        who="Residents at a street surgery",
        topics=("Anti-social behaviour in the park", "The 101 number", "Drug dealing"),
        issues=(
            "Residents say 101 calls go unanswered for long periods.",
            "Residents report off-road motorbikes tearing across the park every evening.",
            "Residents reported a cannabis farm in their street and heard nothing back.",
        ),
    ),
    Audience(
        who="Farmers at the livestock market",
        topics=("Rural crime and farm thefts", "Hare coursing", "Fly-tipping"),
        issues=(
            "Repeated thefts of quad bikes from farms with no follow-up visit.",
            "Hare coursers are on farmland most weekends and calls are not attended in time.",
            "Farmers ask for a named rural crime officer for the market town.",
        ),
    ),
    Audience(
        who="Students at the college",
        topics=("Cyber crime and scams", "Hate crime reporting", "Getting home safely"),
        issues=(
            "Students do not know how to report a hate incident without going to a station.",
            "Students report drinks being spiked in town-centre bars.",
            "Students ask for lighting on the path from the college to the bus station.",
        ),
    ),
    Audience(
        who="Pub and club licensees",
        topics=("The night-time economy", "Drug dealing", "Violence at closing time"),
        issues=(
            "Door staff wait too long for officers when fights break out at closing time.",
            "Licensees find cocaine being dealt in their toilets and want a joint plan.",
            "Licensees ask for the local policing team to come back to Pubwatch meetings.",
        ),
    ),
    Audience(
        who="Older residents at a coffee morning",
        topics=("Phone and doorstep scams", "Visible policing", "Feeling safe at home"),
        issues=(
            "Older residents get calls from people pretending to be their bank.",
            "Rogue traders are knocking on doors in the village offering roof repairs.",
            "Older residents feel less safe since the village police station closed.",
        ),
    ),
    Audience(
        who="Taxi drivers at the rank",
        topics=("Violence against drivers", "The night-time economy", "Unlicensed cabs"),
        issues=(
            "Drivers are abused at the rank and passengers run off without paying.",
            "Drivers ask for a camera covering the rank after two assaults this year.",
            "Unlicensed cars are picking up fares outside the station at night.",
        ),
    ),
    Audience(
        organisation="{town} Town Council",
        kind=K.PARISH_COUNCIL,
        topics=("Speeding in villages", "Neighbourhood policing", "Parking"),
        issues=(
            "The town council asks for the neighbourhood team to report to its meetings again.",
            "Speed watch volunteers hear nothing about the drivers they report.",
            "Councillors ask how much of the precept is spent on policing the town.",
        ),
    ),
    Audience(
        organisation="{town} Neighbourhood Watch",
        kind=K.WATCH_SCHEME,
        topics=("Burglary", "Shed and garage break-ins", "Crime alerts"),
        issues=(
            "Watch coordinators no longer receive crime alerts for their streets.",
            "A run of shed and garage break-ins, and no officer has visited.",
            "The scheme asks for help to recruit younger coordinators.",
        ),
    ),
    Audience(
        organisation="{town} Community Safety Partnership",
        kind=K.COMMUNITY_SAFETY_PARTNERSHIP,
        topics=("County lines", "Anti-social behaviour", "Partnership funding"),
        issues=(
            "The partnership asks whether the office's funding for its projects continues "
            "next year.",
            "Partners report dealers taking over vulnerable people's flats.",
            "The partnership wants crime figures by ward shared every quarter.",
        ),
    ),
    Audience(
        organisation="{town} Youth Club",
        kind=K.YOUTH_GROUP,
        topics=("Children and young people", "Knife crime", "Being moved on"),
        issues=(
            "Young people report being moved on from the only shelter they have.",
            "Young people are afraid of older teenagers who carry knives.",
            "The club asks officers to visit sessions, not only when there is trouble.",
        ),
    ),
    Audience(
        organisation="{town} Chamber of Trade",
        kind=K.BUSINESS_GROUP,
        topics=("Shop theft", "Business crime", "Criminal damage"),
        issues=(
            "Shopkeepers want to know why shop theft reports get no response.",
            "Traders' windows are smashed again and again after dark.",
            "Businesses ask for a radio link between shops and the police.",
        ),
    ),
    Audience(
        organisation="{town} Mosque and Community Centre",
        kind=K.FAITH_COMMUNITY_GROUP,
        topics=("Hate crime reporting", "Community cohesion", "Visible policing"),
        issues=(
            "Worshippers are abused from passing cars on Fridays and ask for patrols at "
            "prayer times.",
            "The centre asks how to report hate incidents in community languages.",
            "Trustees ask for crime prevention advice after graffiti on the building.",
        ),
    ),
    Audience(
        organisation="{town} Farmers' Discussion Group",
        kind=K.BUSINESS_GROUP,
        topics=("Rural crime and farm thefts", "Livestock worrying", "Wildlife crime"),
        issues=(
            "Members report diesel and tools stolen from farmyards across the area.",
            "Farmers ask why sheep worrying by dogs is not followed up.",
            "The group wants the rural crime team at its meetings twice a year.",
        ),
    ),
    Audience(
        organisation="{town} Women's Aid",
        kind=K.VICTIM_SERVICE,
        topics=("Domestic abuse support", "Stalking", "Victims and vulnerable people"),
        issues=(
            "Victims wait too long for officers after reporting a breach of a protective order.",
            "Support workers ask that victims are told when a suspect is released on bail.",
            "The service asks for training for front-line officers on coercive control.",
        ),
    ),
)
WHO = [audience.who for audience in AUDIENCES if audience.who]
ORGANISATION_KINDS = [(a.organisation, a.kind) for a in AUDIENCES if a.organisation]
# What the office does with an issue, and the answer it records.
ANSWERS = (
    "Passed to the local policing inspector, who has added it to the neighbourhood team's "
    "priorities; the team will report back at the next community meeting.",
    "The force has explained what it is doing about this and will write to the group directly.",
    "Raised at the performance meeting with the force; its reply has been sent on.",
)


def _organisation_audience(name: str) -> Audience | None:
    for audience in AUDIENCES:
        prefix, _, suffix = audience.organisation.partition("{town}")
        if audience.organisation and name.startswith(prefix) and name.endswith(suffix):
            return audience
    return None


def audience_of(contact: Contact) -> Audience | None:
    """The kind of people the contact was with, from its organisation's name or its "who"."""
    if contact.organisation_id is not None:
        return _organisation_audience(contact.organisation.name)
    return next((a for a in AUDIENCES if a.who and a.who == contact.who), None)


def issues_for(contact: Contact) -> tuple[str, ...]:
    audience = audience_of(contact)
    return audience.issues if audience else ()


def _towns(area: PolicingArea) -> list[str]:
    names = [la.name.split(",")[0] for la in area.local_authorities.all()]
    return names or [area.name]


def _ambassadors(today, stdout) -> list[Ambassador]:
    ambassadors = []
    areas = list(PolicingArea.objects.prefetch_related("local_authorities"))
    remits = [(area, False) for area in areas] + [(None, True)]
    for (area, communications), name in zip(remits, AMBASSADOR_NAMES, strict=False):
        slug = area.slug if area else "communications"
        email = f"ambassador.{slug}@demo.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
            )
        set_roles(user=user, roles=["Ambassador"])
        ambassador, _ = Ambassador.objects.get_or_create(
            user=user,
            defaults={
                "policing_area": area,
                "communications": communications,
                "started_on": today - timedelta(days=400),
            },
        )
        ambassadors.append(ambassador)
    # The demo "Ambassador" sign-in gets the first area too, with contacts of its own, so its
    # phone pages have data.
    demo = User.objects.filter(email="ambassador@demo.invalid").first()
    if demo and areas:
        ambassador, _ = Ambassador.objects.get_or_create(
            user=demo,
            defaults={"policing_area": areas[0], "started_on": today - timedelta(days=90)},
        )
        ambassadors.append(ambassador)
    stdout.write(f"  {len(ambassadors)} ambassadors\n")
    return ambassadors


def _work_plans(ambassadors, today) -> None:
    areas = list(ActivityArea.objects.all())
    if not areas:
        return
    for ambassador in ambassadors:
        plan, created = WorkPlan.objects.get_or_create(
            ambassador=ambassador, defaults={"next_review_on": today + timedelta(days=45)}
        )
        if created:
            for position, area in enumerate(areas[:3]):
                WorkPlanFocus.objects.create(
                    work_plan=plan,
                    position=position,
                    activity_area=area,
                    text=f"Build links with groups working on {area.name.lower()}",
                )
            WorkPlanReview.objects.create(
                work_plan=plan,
                reviewed_on=today - timedelta(days=135),
                notes="Six-month review: focus areas refreshed.",
            )


def _organisations(stdout) -> list[Organisation]:
    organisations = []
    for area in PolicingArea.objects.prefetch_related("local_authorities"):
        for town in _towns(area)[:2]:
            for pattern, kind in ORGANISATION_KINDS:
                organisation, created = Organisation.objects.get_or_create(
                    name=pattern.format(town=town), defaults={"kind": kind}
                )
                if created:
                    organisation.policing_areas.set([area])
                organisations.append(organisation)
    stdout.write(f"  {len(organisations)} organisations\n")
    return organisations


def _contact_volunteers(ambassadors, today) -> None:
    for index, ambassador in enumerate(a for a in ambassadors if a.policing_area_id):
        for number in range(2):
            ContactVolunteer.objects.get_or_create(
                name=f"Volunteer {index + 1}{'AB'[number]}",
                policing_area=ambassador.policing_area,
                defaults={
                    "ambassador": ambassador,
                    "consent_given_on": today - timedelta(days=200),
                    "consent_note": "Signed the volunteer agreement",
                },
            )


def _contact_audience(chance, local: list[Organisation]) -> tuple[Audience, Organisation | None]:
    """Six contacts in ten are with an organisation of the area, the rest with people."""
    if local and chance.random() < 0.6:
        organisation = chance.choice(local)
        audience = _organisation_audience(organisation.name)
        if audience is not None:
            return audience, organisation
    return chance.choice([a for a in AUDIENCES if a.who]), None


def _final_status(chance, age_days: int) -> str:
    """Recent issues are still open; older ones have mostly been taken up, answered or closed,
    though some still wait for the force."""
    if age_days < 14:
        return chance.choice([IssueStatus.OPEN, IssueStatus.OPEN, IssueStatus.RAISED])
    if age_days < 42:
        return chance.choice(
            [IssueStatus.OPEN, IssueStatus.RAISED, IssueStatus.RAISED, IssueStatus.ANSWERED]
        )
    return chance.choice(
        [IssueStatus.RAISED, IssueStatus.ANSWERED, IssueStatus.ANSWERED, IssueStatus.CLOSED]
    )


MOVES_TO = {
    IssueStatus.OPEN: (),
    IssueStatus.RAISED: (IssueStatus.RAISED,),
    IssueStatus.ANSWERED: (IssueStatus.RAISED, IssueStatus.ANSWERED),
    IssueStatus.CLOSED: (IssueStatus.RAISED, IssueStatus.ANSWERED, IssueStatus.CLOSED),
}


def _raise_with_history(chance, contact: Contact, summary: str, officer, now) -> RaisedIssue:
    """Raise the issue through the service, move it along the workflow, then date it and each
    step back to when it would have happened: a few days after the contact, the moves spread
    between then and now."""
    from .services import move_issue, raise_issue

    issue = raise_issue(contact=contact, summary=summary, by=contact.ambassador.user)
    day = contact.occurred_on + timedelta(days=chance.randint(0, 3))
    raised_at = timezone.make_aware(datetime.combine(day, time(chance.randint(9, 17))))
    raised_at = min(raised_at, now - timedelta(hours=chance.randint(2, 6)))
    # Never before the contact it came from, even just after midnight.
    raised_at = max(raised_at, timezone.make_aware(datetime.combine(contact.occurred_on, time.min)))
    age_days = (now - raised_at).days
    steps = MOVES_TO[_final_status(chance, age_days)] if officer else ()
    for target in steps:
        answer = chance.choice(ANSWERS) if target == IssueStatus.ANSWERED else ""
        move_issue(issue=issue, to=target, by=officer, answer=answer)
    # Each step a few days after the one before, and all of them before now.
    history = list(issue.transitions.order_by("at", "pk"))
    last = raised_at
    for left, step in zip(range(len(history), 0, -1), history, strict=True):
        gap = min(timedelta(days=chance.uniform(1, 12)), (now - last) / (left + 1))
        last = last + gap
        type(step).objects.filter(pk=step.pk).update(at=last)
    RaisedIssue.objects.filter(pk=issue.pk).update(raised_at=raised_at, updated_at=last)
    return issue


def _contacts(ambassadors, organisations, today, stdout) -> int:
    levels = list(EngagementLevel.objects.all())
    areas = list(ActivityArea.objects.all())
    groups = list(ReachedGroup.objects.all())
    if not levels or not areas:
        return 0
    officer = User.objects.filter(email="staff.officer@demo.invalid").first()
    now = timezone.now()
    created = raised = 0
    for ambassador in ambassadors:
        chance = random.Random(ambassador.pk)  # noqa: S311  demo data, not security
        have = Contact.objects.filter(ambassador=ambassador).count()
        area = ambassador.policing_area or PolicingArea.objects.first()
        local = [o for o in organisations if area in o.policing_areas.all()] or organisations
        for number in range(have, CONTACTS_PER_AMBASSADOR):
            audience, organisation = _contact_audience(chance, local)
            issue_text = chance.choice(audience.issues) if number % ISSUE_EVERY == 0 else ""
            # Contacts go back most of a year; those that raise an issue are of recent weeks,
            # so the queue holds new issues beside older ones taken up and answered.
            days_ago = chance.randint(0, ISSUE_WEEKS * 7 if issue_text else 330)
            contact = Contact.objects.create(
                ambassador=ambassador,
                occurred_on=today - timedelta(days=days_ago),
                policing_area=area,
                organisation=organisation,
                who="" if organisation else audience.who,
                place=f"{_towns(area)[0]} {chance.choice(['library', 'market', 'village hall'])}",
                people_reached=chance.choice([1, 2, 5, 8, 12, 20, 35, 60]),
                method=chance.choice(Contact.Method.values),
                engagement_level=chance.choice(levels),
                topics=chance.choice(audience.topics),
                issues_raised=issue_text,
            )
            contact.activity_areas.set(chance.sample(areas, k=chance.randint(1, 2)))
            if groups and chance.random() < 0.5:
                contact.groups_reached.set(chance.sample(groups, k=1))
            if issue_text:
                _raise_with_history(chance, contact, issue_text, officer, now)
                raised += 1
            created += 1
    stdout.write(f"  {created} contacts logged\n")
    stdout.write(f"  {raised} issues raised\n")
    return created


def fill(*, today, stdout) -> None:
    from .demo_events import fill_events

    ambassadors = _ambassadors(today, stdout)
    _work_plans(ambassadors, today)
    organisations = _organisations(stdout)
    _contact_volunteers(ambassadors, today)
    _contacts(ambassadors, organisations, today, stdout)
    # Demo events are dated from the day of the first load; a later load must not add a
    # second set shifted by a few days.
    if not Event.objects.exists():
        fill_events(today=today, stdout=stdout)
