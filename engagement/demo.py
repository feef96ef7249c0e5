"""Believable demo records for the engagement app, dated around today (decision 23).

Idempotent: people and organisations are found by email or name, and contacts are created only
until each ambassador has their share.
"""

import random
from datetime import timedelta

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
    ReachedGroup,
    WorkPlan,
    WorkPlanFocus,
    WorkPlanReview,
)
from .workflow import IssueStatus

CONTACTS_PER_AMBASSADOR = 50
AMBASSADOR_NAMES = [
    "Priya Sharma",
    "Tom Whitfield",
    "Grace Okafor",
    "Dafydd Morgan",
    "Helen Barker",
    "Marcus Reid",
    "Aisha Khan",
]
ORGANISATION_KINDS = [
    ("{town} Town Council", Organisation.Kind.PARISH_COUNCIL),
    ("{town} Neighbourhood Watch", Organisation.Kind.WATCH_SCHEME),
    ("{town} Community Safety Partnership", Organisation.Kind.COMMUNITY_SAFETY_PARTNERSHIP),
    ("{town} Youth Club", Organisation.Kind.YOUTH_GROUP),
    ("{town} Chamber of Trade", Organisation.Kind.BUSINESS_GROUP),
    ("{town} Mosque and Community Centre", Organisation.Kind.FAITH_COMMUNITY_GROUP),
    ("{town} Farmers' Discussion Group", Organisation.Kind.BUSINESS_GROUP),
    ("{town} Women's Aid", Organisation.Kind.VICTIM_SERVICE),
]
WHO = [
    "Parents at the school gate",
    "Shoppers on the high street",
    "Residents at a street surgery",
    "Farmers at the livestock market",
    "Students at the college",
    "Pub and club licensees",
    "Older residents at a coffee morning",
    "Taxi drivers at the rank",
]
TOPICS = [
    "Speeding in villages",
    "Anti-social behaviour in the park",
    "Rural crime and farm thefts",
    "Shop theft",
    "Cyber crime and scams",
    "Drug dealing",
    "Visible policing",
    "Hate crime reporting",
    "Domestic abuse support",
    "Road safety near schools",
]
ISSUES = [
    "Residents say 101 calls go unanswered for long periods.",
    "Repeated thefts of quad bikes from farms with no follow-up visit.",
    "Young people report being moved on from the only shelter they have.",
    "Shopkeepers want to know why shop theft reports get no response.",
    "Parents worried about drug dealing near the secondary school.",
]


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
    # The demo "Ambassador" sign-in gets the first area too, so its phone pages have data.
    demo = User.objects.filter(email="ambassador@demo.invalid").first()
    if demo and areas:
        Ambassador.objects.get_or_create(
            user=demo,
            defaults={"policing_area": areas[0], "started_on": today - timedelta(days=90)},
        )
    stdout.write(f"  {len(ambassadors)} ambassadors")
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
    stdout.write(f"  {len(organisations)} organisations")
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


def _contacts(ambassadors, organisations, today, stdout) -> int:
    from .services import move_issue, raise_issue

    levels = list(EngagementLevel.objects.all())
    areas = list(ActivityArea.objects.all())
    groups = list(ReachedGroup.objects.all())
    if not levels or not areas:
        return 0
    officer = User.objects.filter(email="staff.officer@demo.invalid").first()
    created = 0
    for ambassador in ambassadors:
        chance = random.Random(ambassador.pk)  # noqa: S311  demo data, not security
        have = Contact.objects.filter(ambassador=ambassador).count()
        area = ambassador.policing_area or PolicingArea.objects.first()
        local = [o for o in organisations if area in o.policing_areas.all()] or organisations
        for number in range(have, CONTACTS_PER_AMBASSADOR):
            use_organisation = chance.random() < 0.6
            contact = Contact.objects.create(
                ambassador=ambassador,
                occurred_on=today - timedelta(days=chance.randint(0, 330)),
                policing_area=area,
                organisation=chance.choice(local) if use_organisation else None,
                who="" if use_organisation else chance.choice(WHO),
                place=f"{_towns(area)[0]} {chance.choice(['library', 'market', 'village hall'])}",
                people_reached=chance.choice([1, 2, 5, 8, 12, 20, 35, 60]),
                method=chance.choice(Contact.Method.values),
                engagement_level=chance.choice(levels),
                topics=chance.choice(TOPICS),
            )
            contact.activity_areas.set(chance.sample(areas, k=chance.randint(1, 2)))
            if groups and chance.random() < 0.5:
                contact.groups_reached.set(chance.sample(groups, k=1))
            if number % 12 == 0:
                issue_text = chance.choice(ISSUES)
                contact.issues_raised = issue_text
                contact.save(update_fields=["issues_raised"])
                issue = raise_issue(contact=contact, summary=issue_text, by=ambassador.user)
                if officer and number % 24 == 0:
                    move_issue(issue=issue, to=IssueStatus.RAISED, by=officer)
            created += 1
    stdout.write(f"  {created} contacts logged")
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
