"""Believable demo grants (decision 23).

History as it stands in the December 2015 delivery plan: the 2015/16 tier 1 round, which gave
about 35 organisations grants of under £20,000 to support victims or reduce offending, and the
2015/16 tier 2 round, whose one award went to a consortium building a diversionary network and
mentoring programme. Those records are written in bulk, each consistent with what the services
would have made (every award within its round's budget, its history, its paid instalment and
its accepted final report).

Around today, made through the services so that every rule holds (the budgets, the workflow,
the checks on what is sent): a tier 1 round closed two months ago whose applications are at
every step from assessment to a running grant; a second call open now and closing within the
week, with drafts, new applications, one found ineligible and one withdrawn; a tier 2 round
opening soon; the private fund's bids, whose awards leave too little of its £20,000 a year for
the last one recommended; a direct award; and a three-year award to the police cadet scheme
whose second instalment waits for a report that is overdue. Reports fall due around today, so
the reminders and the officers' lists have something to show.

Idempotent: each round is made, with its applications, only when its web address is missing;
the direct awards only when no direct award has their title.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engagement.models import ActivityArea, Organisation
from pcc_portal.demo import DEMO_PASSWORD, create_demo_users, demo_email
from pcc_portal.models import Decision, LocalAuthority, Objective, OfficeProfile, User
from pcc_portal.roles import APPLICANT

from . import services, workflow
from .financial_years import financial_year_bounds, financial_year_label, financial_year_of
from .models import (
    Application,
    ApplicationTransition,
    AssessmentCriterion,
    Attachment,
    Award,
    BeneficiaryFigure,
    BudgetLine,
    ConsortiumMember,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
    RoundQuestion,
)
from .models.applications import add_months

S = workflow.ApplicationStatus
K = Organisation.Kind
R = workflow.ReportStatus

CONDITIONS = (
    "Spend the grant only on the activities set out in the application. Tell the office at once "
    "of any change to the project. Acknowledge the grant in publicity. Send a final monitoring "
    "report within eight weeks of the project ending and return any money not spent."
)
QUESTION = "How will local people be involved in running the project?"
ANSWER = "Volunteers from the estate sit on the project's steering group and help run sessions."


@dataclass(frozen=True)
class Project:
    """A kind of project the office funds, and the organisation that runs it."""

    organisation: str  # a name pattern; {town} is filled in
    kind: str
    title: str
    summary: str
    activity_area: int
    beneficiaries: str
    outcomes: str
    charity: bool = True

    @property
    def safeguarding(self) -> bool:
        return self.activity_area in (3, 4)


PROJECTS = (
    Project(
        "{town} Youth Boxing Club",
        K.YOUTH_GROUP,
        "Boxing for young people at risk",
        "Weekly coaching and mentoring for young people referred by schools and the local "
        "policing team.",
        4,
        "Young people aged 11 to 18 at risk of offending",
        "Fewer young people drawn into crime and anti-social behaviour",
    ),
    Project(
        "{town} Survivors' Network",
        K.VICTIM_SERVICE,
        "Support for survivors of sexual violence",
        "One-to-one support and a helpline for people who have survived sexual violence, "
        "whether or not they reported it.",
        3,
        "Adults and young people who have survived sexual violence",
        "Survivors supported to cope and recover, and more confident to report",
    ),
    Project(
        "{town} Neighbourhood Watch Association",
        K.WATCH_SCHEME,
        "New watch schemes on the estates",
        "Starting watch schemes in streets without one, with property marking kits for older "
        "residents.",
        2,
        "Residents of streets with high rates of burglary",
        "More streets covered by a watch scheme and fewer repeat burglaries",
        charity=False,
    ),
    Project(
        "{town} Street Pastors",
        K.FAITH_COMMUNITY_GROUP,
        "Street pastors in the night-time economy",
        "Trained volunteers on the streets on Friday and Saturday nights, helping vulnerable "
        "people get home safely.",
        2,
        "People out at night in the town centre",
        "Fewer people left vulnerable at closing time and less violence in the town centre",
    ),
    Project(
        "{town} Community Sports Trust",
        K.VOLUNTARY_ORGANISATION,
        "Friday night football",
        "Free evening football sessions in the parks where anti-social behaviour is reported most.",
        4,
        "Young people aged 13 to 19",
        "Less anti-social behaviour on Friday evenings",
    ),
    Project(
        "{town} Women's Refuge",
        K.VICTIM_SERVICE,
        "Outreach for victims of domestic abuse",
        "An outreach worker for victims of domestic abuse living in villages far from services.",
        3,
        "Victims of domestic abuse in rural areas",
        "More victims supported early, before abuse escalates",
    ),
    Project(
        "{town} Farm Watch",
        K.WATCH_SCHEME,
        "Farm watch and property marking",
        "Marking quad bikes, tools and machinery, and a text alert network for farms.",
        5,
        "Farmers and rural businesses",
        "Fewer thefts from farms and more stolen property returned",
        charity=False,
    ),
    Project(
        "{town} Youth Theatre",
        K.YOUTH_GROUP,
        "Drama workshops on knife crime",
        "Workshops in secondary schools where young people write and perform plays about "
        "carrying knives.",
        4,
        "Pupils aged 12 to 16",
        "Young people who understand the risks of carrying a knife",
    ),
    Project(
        "{town} Shopwatch",
        K.BUSINESS_GROUP,
        "Radio link for town centre shops",
        "A radio link between shops, door staff and the town centre cameras to report shop "
        "theft as it happens.",
        5,
        "Town centre retailers",
        "Less shop theft and faster responses to it",
        charity=False,
    ),
    Project(
        "{town} Restorative Justice Project",
        K.VOLUNTARY_ORGANISATION,
        "Restorative meetings for victims",
        "Trained facilitators bring victims and the people who harmed them together, when the "
        "victim wants it.",
        3,
        "Victims of crime and the people who harmed them",
        "Victims who feel heard, and fewer people reoffending",
    ),
)
CONTACTS = (
    "Sam Patel",
    "Jo Evans",
    "Chris Morgan",
    "Alex Turner",
    "Pat Hughes",
    "Kim Davies",
    "Lee Roberts",
    "Ruth Price",
    "Nia Jones",
    "Tom Baker",
)


@dataclass
class Place:
    town: str
    area: object  # PolicingArea


@dataclass
class Context:
    """What every part of the demo draws on: the office, its places and plan, and its people."""

    today: date
    office: OfficeProfile
    places: list[Place]
    activity_areas: dict[int, ActivityArea]
    objectives: list[Objective]
    officer: User
    assessor: User
    commissioner: User
    applicant: User  # the demo applicant's sign-in
    postcode_area: str
    made: dict

    @property
    def decider(self) -> str:
        office = self.office
        return (
            f"{office.holder_name}, {office.holder_title}"
            if office.holder_name
            else str(office.holder_title)
        )

    def objective(self, n: int) -> list[Objective]:
        return [self.objectives[n % len(self.objectives)]] if self.objectives else []

    def place(self, n: int) -> Place:
        return self.places[n % len(self.places)]

    def postcode(self, n: int) -> str:
        return f"{self.postcode_area}{1 + n % 9} {n % 10}{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}A"


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _pdf(text: str) -> bytes:
    """A one-page PDF saying `text`: the demo's governing documents and policies."""
    words = re.sub(r"[()\\]", "", text).encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + words + b") Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


# --- People -------------------------------------------------------------------------------------


def _user(role: str) -> User:
    user = User.objects.filter(email=demo_email(role)).first()
    if user is None:
        create_demo_users()
        user = User.objects.get(email=demo_email(role))
    return user


def _applicants(count: int) -> list[User]:
    """Applicants' accounts: applicant.1@... onwards, made together with one password hash."""
    emails = [f"applicant.{n}@demo.invalid" for n in range(1, count + 1)]
    have = {u.email: u for u in User.objects.filter(email__in=emails)}
    missing = [e for e in emails if e not in have]
    if missing:
        password = make_password(DEMO_PASSWORD)
        names = {e: CONTACTS[i % len(CONTACTS)] for i, e in enumerate(emails)}
        User.objects.bulk_create(
            User(email=e, full_name=names[e], password=password) for e in missing
        )
        made = list(User.objects.filter(email__in=missing))
        group = Group.objects.get(name=APPLICANT.name)
        group.user_set.add(*made)
        have.update({u.email: u for u in made})
    return [have[e] for e in emails]


def _context(today: date) -> Context | None:
    activity_areas = {a.number: a for a in ActivityArea.objects.all()}
    authorities = LocalAuthority.objects.filter(policing_area__isnull=False).select_related(
        "policing_area"
    )
    places = [Place(la.name.split(",")[0], la.policing_area) for la in authorities.order_by("pk")]
    if not activity_areas or not places:
        return None
    office = OfficeProfile.objects.get_current()
    last_line = (office.address or "").strip().splitlines()[-1:] or [""]
    found = re.match(r"^([A-Z]{1,2})\d", last_line[0].strip().upper())
    return Context(
        today=today,
        office=office,
        places=places,
        activity_areas=activity_areas,
        objectives=list(Objective.objects.order_by("aim__number", "number", "pk")),
        officer=_user("Grants officer"),
        assessor=_user("Grant assessor"),
        commissioner=_user("Commissioner and Deputy"),
        applicant=_user("Applicant"),
        postcode_area=found.group(1) if found else "AB",
        made={"rounds": 0, "applications": 0, "awards": 0},
    )


# --- Schemes and rounds -------------------------------------------------------------------------


def _schemes(c: Context) -> tuple[GrantScheme, GrantScheme]:
    title = c.office.holder_title
    main, _ = GrantScheme.objects.get_or_create(
        slug="grant-scheme",
        defaults={
            "name": f"{title}'s grant scheme"[:200],
            "description": (
                "Grants that secure or contribute to crime and disorder reduction in the area, "
                "made under section 9 of the Police Reform and Social Responsibility Act 2011. "
                "Grants are one-off, for specific activities or services, subject to "
                "conditions, with no commitment to renew or continue funding."
            ),
            "funder": c.office.office_name,
            "annual_budget": Decimal("1000000.00"),
            "eligibility": (
                "Registered charities, community and voluntary groups, and partnerships working "
                "to reduce crime and disorder or to support victims in the area."
            ),
            "is_public": True,
            "crime_and_disorder_reduction": True,
            "grant_programme_code": "GS",
        },
    )
    holder = c.office.holder_name.split()[0] if c.office.holder_name else ""
    private, _ = GrantScheme.objects.get_or_create(
        slug="private-fund",
        defaults={
            "name": f"{holder}'s private fund" if holder else "The private fund",
            "description": (
                "A share of £20,000 a year, given by the office holder, for organisations that "
                "help fight crime and support victims: from diversionary schemes for young "
                "people to helping established organisations expand their work."
            ),
            "funder": f"A charitable trust set up by the {title}"[:200],
            "annual_budget": Decimal("20000.00"),
            "eligibility": "Charities and community groups working in the area.",
            "is_public": True,
            "crime_and_disorder_reduction": False,
            "grant_programme_code": "PF",
        },
    )
    return main, private


CRITERIA = (
    ("Reduces crime, disorder or the fear of crime", 3),
    ("Supports victims or people at risk", 2),
    ("Value for money and a realistic budget", 2),
    ("Local people take part in running it", 1),
)


def _round(c: Context, *, slug: str, criteria: int = 3, question: bool = True, **fields):
    """The round, made with its criteria (and its own question) when missing; None when it was
    already there, so its applications are not made twice."""
    if GrantRound.objects.filter(slug=slug).exists():
        return None
    grant_round = GrantRound.objects.create(
        slug=slug, status=workflow.RoundStatus.PUBLISHED, **fields
    )
    AssessmentCriterion.objects.bulk_create(
        AssessmentCriterion(round=grant_round, position=n, name=name, weight=weight, max_score=5)
        for n, (name, weight) in enumerate(CRITERIA[:criteria])
    )
    if question:
        RoundQuestion.objects.create(round=grant_round, position=0, text=QUESTION, max_length=1000)
    c.made["rounds"] += 1
    return grant_round


# --- History: 2015/16, written in bulk ----------------------------------------------------------

TIER_1_AWARDS = 35
TIER_1_DECIDED = date(2015, 9, 24)
TIER_2_DECIDED = date(2015, 12, 3)
HISTORIC_STEPS = (
    S.SUBMITTED,
    S.ELIGIBLE,
    S.ASSESSED,
    S.RECOMMENDED,
    S.APPROVED,
    S.OFFER_ACCEPTED,
    S.ACTIVE,
    S.CLOSED,
)


def _closed_at(ends_on: date) -> datetime:
    """When a 2015/16 grant was closed: three weeks after its final report was due."""
    return _at(ends_on + timedelta(weeks=8) + timedelta(days=21))


def _tier_1_amount(n: int) -> Decimal:
    """From £1,500 to £17,500 in steps of £500, spread evenly: all under £20,000."""
    return Decimal(1500 + (n * 13) % 33 * 500)


def _organisations(c: Context, wanted: list[tuple[Project, Place, int]]) -> list[Organisation]:
    """The organisations named, found by name or made together, in the order asked."""
    names = [project.organisation.format(town=place.town) for project, place, _ in wanted]
    have = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    new = []
    for (project, place, number), name in zip(wanted, names, strict=True):
        if name in have:
            continue
        organisation = Organisation(
            name=name,
            kind=project.kind,
            charity_number=f"{1990000 + number}" if project.charity else "",
            address=f"{1 + number % 40} High Street\n{place.town}\n{c.postcode(number)}",
        )
        have[name] = organisation
        new.append((organisation, place))
    Organisation.objects.bulk_create(o for o, _ in new)
    Through = Organisation.policing_areas.through
    Through.objects.bulk_create(
        Through(organisation_id=o.pk, policingarea_id=place.area.pk) for o, place in new
    )
    return [have[name] for name in names]


def _historic_rows(
    c: Context,
    *,
    grant_round: GrantRound,
    entries: list[dict],
    decision: Decision,
) -> None:
    """Applications of a 2015/16 round as the office's records hold them: keyed in by the
    grants team, each with its budget, history and, when funded, its award, paid instalment and
    accepted final report."""
    applications = [
        Application(
            kind=Application.Kind.OPEN_ROUND,
            scheme=grant_round.scheme,
            round=grant_round,
            status=e["status"],
            organisation=e["organisation"],
            organisation_name=e["organisation_name"],
            organisation_kind=e["kind"],
            charity_number=e["charity_number"],
            organisation_address=e["address"],
            organisation_postcode=e["postcode"],
            has_safeguarding_policy=e["safeguarding"],
            governing_document=Application.GoverningDocument.CONSTITUTION,
            is_consortium=e.get("consortium", False),
            contact_name=e["contact"],
            contact_email=f"contact.{e['number']}@example.org",
            project_title=e["title"],
            project_summary=e["summary"],
            project_activities=e["summary"],
            project_beneficiaries=e["beneficiaries"],
            activity_area=e["activity_area"],
            starts_on=e["starts_on"],
            ends_on=e["ends_on"],
            amount_requested=e["requested"],
            expected_outcomes=e["outcomes"],
            declaration_given_at=e["submitted_at"],
            submitted_at=e["submitted_at"],
            recommended_amount=e.get("amount"),
            recommendation="Meets the round's criteria well" if e.get("amount") else "",
            outcome_reason=e.get("reason", ""),
            decided_by=c.decider if e["status"] in (S.CLOSED, S.DECLINED) else "",
            decided_on=e["decided_on"] if e["status"] in (S.CLOSED, S.DECLINED) else None,
        )
        for e in entries
    ]
    Application.objects.bulk_create(applications)
    for application in applications:
        application.reference = f"G2015-{application.pk:05d}"
    Application.objects.bulk_update(applications, ["reference"])
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        created_at=_at(date(2015, 6, 1))
    )
    c.made["applications"] += len(applications)

    areas = Application.policing_areas.through
    areas.objects.bulk_create(
        areas(application_id=a.pk, policingarea_id=area.pk)
        for a, e in zip(applications, entries, strict=True)
        for area in e["areas"]
    )
    objectives = Application.objectives.through
    objectives.objects.bulk_create(
        objectives(application_id=a.pk, objective_id=objective.pk)
        for a, e in zip(applications, entries, strict=True)
        for objective in e["objectives"]
    )
    lines = []
    for application in applications:
        staff = (application.amount_requested * Decimal("0.6")).quantize(Decimal("1"))
        lines += [
            BudgetLine(application=application, position=1, description="Staff time", amount=staff),
            BudgetLine(
                application=application,
                position=2,
                description="Activities, materials and volunteers' expenses",
                amount=application.amount_requested - staff,
            ),
        ]
    BudgetLine.objects.bulk_create(lines)
    members = [
        ConsortiumMember(application=application, position=n, **member)
        for application, e in zip(applications, entries, strict=True)
        for n, member in enumerate(e.get("members", ()), start=1)
    ]
    ConsortiumMember.objects.bulk_create(members)
    _historic_history(c, applications, entries)
    funded = [(a, e) for a, e in zip(applications, entries, strict=True) if e.get("amount")]
    _historic_awards(c, funded, decision)


def _historic_history(c: Context, applications, entries) -> None:
    moves = []
    for application, e in zip(applications, entries, strict=True):
        steps = e["steps"]
        previous = S.DRAFT
        for target, at in steps:
            by = c.commissioner if target in (S.APPROVED, S.DECLINED) else c.officer
            note = ""
            if target == S.SUBMITTED:
                note = "Received on paper and keyed in by the grants team"
            elif target in (S.INELIGIBLE, S.DECLINED, S.WITHDRAWN):
                note = e.get("reason", "")
            moves.append(
                ApplicationTransition(
                    application=application,
                    from_status=previous,
                    to_status=target,
                    by=by,
                    at=at,
                    note=note,
                )
            )
            previous = target
    ApplicationTransition.objects.bulk_create(moves)


def _historic_awards(c: Context, funded, decision: Decision) -> None:
    awards = []
    for application, e in funded:
        accepted = _at(e["decided_on"] + timedelta(days=8))
        awards.append(
            Award(
                application=application,
                amount=e["amount"],
                conditions=CONDITIONS,
                reasons=e["reasons"],
                starts_on=e["starts_on"],
                ends_on=e["ends_on"],
                decided_by=c.decider,
                decided_on=e["decided_on"],
                decision_record=decision,
                recorded_by=c.officer,
                offer_accepted_at=accepted,
                closed_at=_closed_at(e["ends_on"]),
                underspend_returned=e.get("underspend", Decimal("0.00")),
            )
        )
    Award.objects.bulk_create(awards)
    c.made["awards"] += len(awards)
    areas = Award.beneficiary_areas.through
    areas.objects.bulk_create(
        areas(award_id=award.pk, policingarea_id=area.pk)
        for award, (_, e) in zip(awards, funded, strict=True)
        for area in e["areas"]
    )
    Instalment.objects.bulk_create(
        Instalment(
            award=award,
            number=1,
            due_on=award.starts_on,
            amount=award.amount,
            financial_year=financial_year_of(award.starts_on),
            released_at=_at(award.starts_on, 9),
            released_by=c.officer,
            paid_at=_at(award.starts_on + timedelta(days=5)),
        )
        for award in awards
    )
    reports = []
    for n, award in enumerate(awards):
        due = award.ends_on + timedelta(weeks=8)
        reached = 20 + (n * 37) % 280
        reports.append(
            MonitoringReport(
                award=award,
                title="Final report",
                due_on=due,
                status=R.ACCEPTED,
                is_final=True,
                narrative=(
                    f"The project ran as planned and reached {reached} people. "
                    "Partners referred more people than expected in the second half of the year."
                ),
                people_reached=reached,
                spend_to_date=award.amount - award.underspend_returned,
                submitted_at=_at(due - timedelta(days=6)),
                reviewed_at=_at(due + timedelta(days=9)),
                reviewed_by=c.officer,
                officer_note="Accepted: outcomes met",
            )
        )
    MonitoringReport.objects.bulk_create(reports)
    figures = []
    for report in reports[::2]:
        reached = report.people_reached
        third = reached // 3
        for category, band, count in (
            ("age", "16 to 19", third),
            ("age", "20 to 24", third),
            ("age", "Not known", reached - 2 * third),
            ("gender", "Female", reached // 2),
            ("gender", "Male", reached - reached // 2),
        ):
            figures.append(
                BeneficiaryFigure(report=report, category=category, band=band, count=count)
            )
    BeneficiaryFigure.objects.bulk_create(figures)


def _historic_entry(c: Context, n: int, project: Project, place: Place, organisation, **extra):
    submitted = _at(date(2015, 6, 8) + timedelta(days=n % 50), 11)
    starts_on = date(2015, 10, 1) + timedelta(weeks=n % 4)
    entry = {
        "number": n,
        "organisation": organisation,
        "organisation_name": organisation.name,
        "kind": project.kind,
        "charity_number": organisation.charity_number,
        "address": f"{1 + n % 40} High Street\n{place.town}",
        "postcode": c.postcode(n),
        "safeguarding": project.safeguarding,
        "contact": CONTACTS[n % len(CONTACTS)],
        "title": f"{project.title} in {place.town}",
        "summary": project.summary,
        "beneficiaries": project.beneficiaries,
        "outcomes": project.outcomes,
        "activity_area": c.activity_areas.get(project.activity_area),
        "starts_on": starts_on,
        "ends_on": add_months(starts_on, 12) - timedelta(days=1),
        "submitted_at": submitted,
        "decided_on": TIER_1_DECIDED,
        "areas": [place.area],
        "objectives": c.objective(n),
    }
    entry.update(extra)
    return entry


def _tier_1_2015(c: Context, scheme: GrantScheme) -> GrantRound | None:
    grant_round = _round(
        c,
        slug="2015-16-tier-1",
        scheme=scheme,
        name="2015/16 tier 1",
        tier=1,
        description=(
            "Capacity funding of under £20,000 for organisations that provide support to victims "
            "of crime or reduce offending."
        ),
        opens_at=_at(date(2015, 6, 1), 9),
        closes_at=_at(date(2015, 7, 31), 17),
        decisions_expected_on=date(2015, 9, 30),
        budget=Decimal("450000.00"),
        minimum_award=Decimal("500.00"),
        maximum_award=Decimal("19999.00"),
        longest_project_months=12,
    )
    if grant_round is None:
        return None
    grant_round.activity_areas.set([a for n, a in c.activity_areas.items() if n in (2, 3, 4, 5)])
    # 35 funded, then those declined, found ineligible and withdrawn.
    outcomes = [S.CLOSED] * TIER_1_AWARDS + [S.DECLINED] * 4 + [S.INELIGIBLE] * 2 + [S.WITHDRAWN]
    wanted = []
    taken = set()
    for n in range(len(outcomes)):
        project = PROJECTS[n % len(PROJECTS)]
        shift = 0
        while True:
            place = c.place(n + n // len(PROJECTS) * 3 + shift)
            name = project.organisation.format(town=place.town)
            if name not in taken or shift > len(c.places):
                break
            shift += 1
        taken.add(name)
        wanted.append((project, place, n))
    organisations = _organisations(c, wanted)
    decision, _ = Decision.objects.get_or_create(
        reference="DN 2015/027",
        defaults={
            "title": "Grant scheme 2015/16 tier 1: grants to 35 organisations",
            "decided_on": TIER_1_DECIDED,
            "decided_by": c.decider,
            "summary": (
                "Grants of under £20,000 each to 35 organisations to support victims of crime or "
                "to reduce offending, on the recommendation of the grants panel."
            ),
            "is_public": True,
        },
    )
    entries = []
    for (project, place, n), organisation, outcome in zip(
        wanted, organisations, outcomes, strict=True
    ):
        amount = _tier_1_amount(n)
        entry = _historic_entry(c, n, project, place, organisation, requested=amount)
        submitted = entry["submitted_at"]
        entry["status"] = outcome
        entry["steps"] = {
            S.CLOSED: list(
                zip(
                    HISTORIC_STEPS,
                    (
                        submitted,
                        _at(date(2015, 8, 7)),
                        _at(date(2015, 9, 4)),
                        _at(date(2015, 9, 11)),
                        _at(TIER_1_DECIDED),
                        _at(TIER_1_DECIDED + timedelta(days=8)),
                        _at(entry["starts_on"]),
                        _closed_at(entry["ends_on"]),
                    ),
                    strict=True,
                )
            ),
            S.DECLINED: [
                (S.SUBMITTED, submitted),
                (S.ELIGIBLE, _at(date(2015, 8, 7))),
                (S.ASSESSED, _at(date(2015, 9, 4))),
                (S.DECLINED, _at(TIER_1_DECIDED)),
            ],
            S.INELIGIBLE: [(S.SUBMITTED, submitted), (S.INELIGIBLE, _at(date(2015, 8, 7)))],
            S.WITHDRAWN: [(S.SUBMITTED, submitted), (S.WITHDRAWN, _at(date(2015, 8, 20)))],
        }[outcome]
        if outcome == S.CLOSED:
            aim = "supporting victims" if project.activity_area == 3 else "reducing offending"
            entry.update(
                amount=amount,
                reasons=f"{project.outcomes}: the project meets the round's aim of {aim}.",
                underspend=Decimal(250 + n % 3 * 125) if n % 9 == 4 else Decimal("0.00"),
            )
        else:
            entry["reason"] = {
                S.DECLINED: "Other applications met the criteria more strongly",
                S.INELIGIBLE: "The organisation works outside the area",
                S.WITHDRAWN: "Funded from another source",
            }[outcome]
        if outcome in (S.INELIGIBLE, S.WITHDRAWN):
            # Never linked: the office only links an application it goes on to consider.
            entry["organisation"] = None
        entries.append(entry)
    _historic_rows(c, grant_round=grant_round, entries=entries, decision=decision)
    return grant_round


def _tier_2_2015(c: Context, scheme: GrantScheme) -> GrantRound | None:
    grant_round = _round(
        c,
        slug="2015-16-tier-2",
        scheme=scheme,
        name="2015/16 tier 2",
        tier=2,
        description=(
            "Strategic funding for a partnership of organisations to draw together a "
            "diversionary network and mentoring programme across the whole area."
        ),
        opens_at=_at(date(2015, 9, 1), 9),
        closes_at=_at(date(2015, 10, 16), 17),
        decisions_expected_on=date(2015, 11, 30),
        budget=Decimal("150000.00"),
        minimum_award=Decimal("25000.00"),
        maximum_award=Decimal("150000.00"),
        longest_project_months=18,
        question=False,
    )
    if grant_round is None:
        return None
    lead_project = Project(
        "Pathways Mentoring Trust",
        K.VOLUNTARY_ORGANISATION,
        "A diversionary network and mentoring programme",
        "Six organisations working as one consortium, taking referrals from a range of agencies "
        "including the community rehabilitation company, to mentor young people and adults "
        "away from crime across the whole area.",
        4,
        "Young people and adults at risk of offending, referred by partner agencies",
        "Fewer people referred to the programme going on to offend",
    )
    member_projects = [PROJECTS[n] for n in (0, 4, 7, 9, 3)]
    wanted = [(lead_project, c.place(0), 900)] + [
        (project, c.place(n + 1), 901 + n) for n, project in enumerate(member_projects)
    ]
    lead, *members = _organisations(c, wanted)
    decision, _ = Decision.objects.get_or_create(
        reference="DN 2015/036",
        defaults={
            "title": "Grant scheme 2015/16 tier 2: a diversionary network and mentoring programme",
            "decided_on": TIER_2_DECIDED,
            "decided_by": c.decider,
            "summary": (
                "A grant of £145,000 to a consortium of six organisations, led by "
                f"{lead.name}, for a diversionary network and mentoring programme."
            ),
            "is_public": True,
        },
    )
    submitted = _at(date(2015, 10, 12), 15)
    starts_on, ends_on = date(2016, 1, 4), date(2017, 6, 30)
    roles = (
        "Runs sessions for young people",
        "Runs evening sport sessions",
        "Works with schools",
        "Supports victims who want to meet the person who harmed them",
        "Mentors adults leaving custody",
    )
    steps = list(
        zip(
            HISTORIC_STEPS,
            (
                submitted,
                _at(date(2015, 10, 23)),
                _at(date(2015, 11, 13)),
                _at(date(2015, 11, 20)),
                _at(TIER_2_DECIDED),
                _at(date(2015, 12, 14)),
                _at(starts_on),
                _closed_at(ends_on),
            ),
            strict=True,
        )
    )
    entry = _historic_entry(
        c,
        900,
        lead_project,
        c.place(0),
        lead,
        status=S.CLOSED,
        steps=steps,
        requested=Decimal("150000.00"),
        amount=Decimal("145000.00"),
        reasons=(
            "One programme across the whole area, taking referrals from every agency, reduces "
            "offending more than separate projects could."
        ),
        consortium=True,
        title=lead_project.title,
        submitted_at=submitted,
        starts_on=starts_on,
        ends_on=ends_on,
        decided_on=TIER_2_DECIDED,
        areas=sorted({place.area for place in c.places}, key=lambda a: a.pk),
        members=[
            {
                "organisation_name": member.name,
                "organisation_kind": member.kind,
                "charity_number": member.charity_number,
                "organisation": member,
                "role": role,
            }
            for member, role in zip(members, roles, strict=True)
        ],
    )
    _historic_rows(c, grant_round=grant_round, entries=[entry], decision=decision)
    return grant_round


# --- Around today: through the services ---------------------------------------------------------


@dataclass
class Bid:
    """One application made through the services, and the step it is taken to."""

    target: str
    project: Project
    number: int
    amount: Decimal
    applicant: User | None = None


def _apply(
    c: Context, grant_round: GrantRound, bid: Bid, *, starts_on: date, sent_at
) -> Application:
    """Start, fill in and (unless it stays a draft) send an application, as the applicant would."""
    project, n = bid.project, bid.number
    place = c.place(n)
    applicant = bid.applicant
    started = sent_at - timedelta(days=3)
    application = services.start_application(grant_round=grant_round, by=applicant, now=started)
    organisation = project.organisation.format(town=place.town)
    values = {
        "organisation_name": organisation,
        "organisation_kind": project.kind,
        "charity_number": f"{1991000 + n}" if project.charity else "",
        "organisation_address": f"{1 + n % 40} Church Street\n{place.town}",
        "organisation_postcode": c.postcode(n),
        "has_safeguarding_policy": project.safeguarding,
        "governing_document": Application.GoverningDocument.CONSTITUTION,
        "contact_name": applicant.full_name,
        "contact_email": applicant.email,
        "contact_phone": f"07700 900{n % 1000:03d}",
        "project_title": f"{project.title} in {place.town}",
        "project_summary": project.summary,
        "project_activities": project.summary,
        "project_beneficiaries": project.beneficiaries,
        "activity_area": c.activity_areas.get(project.activity_area),
        "starts_on": starts_on,
        "ends_on": add_months(starts_on, min(11, grant_round.longest_project_months))
        - timedelta(days=1),
        "amount_requested": bid.amount,
        "expected_outcomes": project.outcomes,
    }
    if bid.target == "draft":
        # A draft half done: the applicant has written about the project, not yet the money.
        values = {k: v for k, v in values.items() if k not in ("amount_requested", "ends_on")}
    application = services.save_draft(
        application=application,
        by=applicant,
        values=values,
        objectives=c.objective(n),
        policing_areas=[place.area],
    )
    Application.objects.filter(pk=application.pk).update(created_at=started)
    c.made["applications"] += 1
    if bid.target == "draft":
        return application
    staff = (bid.amount * Decimal("0.6")).quantize(Decimal("1"))
    services.set_budget_lines(
        application=application,
        by=applicant,
        lines=[("Staff time", staff), ("Activities and materials", bid.amount - staff)],
    )
    questions = {q.pk: ANSWER for q in grant_round.questions.all()}
    if questions:
        services.answer_questions(application=application, by=applicant, answers=questions)
    documents = [(Attachment.Kind.GOVERNING_DOCUMENT, "constitution.pdf", "Constitution")]
    if project.safeguarding:
        documents.append(
            (Attachment.Kind.SAFEGUARDING_POLICY, "safeguarding-policy.pdf", "Safeguarding policy")
        )
    for kind, name, heading in documents:
        services.add_attachment(
            application=application,
            by=applicant,
            kind=kind,
            upload=SimpleUploadedFile(
                name, _pdf(f"{heading} of {organisation}"), content_type="application/pdf"
            ),
        )
    return services.submit_application(
        application=application, by=applicant, declaration=True, now=sent_at
    )


ASSESSED_OR_LATER = (
    S.ASSESSED,
    S.RECOMMENDED,
    S.APPROVED,
    S.DECLINED,
    S.OFFER_ACCEPTED,
    S.ACTIVE,
)
FUNDED = (S.APPROVED, S.OFFER_ACCEPTED, S.ACTIVE)


def _take_along(c: Context, application: Application, bid: Bid, *, decided_on: date, n: int):
    """Take a sent application to its bid's step, the way the office would."""
    officer, target = c.officer, bid.target
    if target in (S.INELIGIBLE,):
        return services.check_eligibility(
            application=application,
            by=officer,
            eligible=False,
            reason="The project would run mostly outside the area",
        )
    if target == S.WITHDRAWN:
        return services.withdraw_application(
            application=application,
            by=bid.applicant,
            reason="We have been offered funding for this project from elsewhere",
        )
    if target == S.SUBMITTED:
        return application
    application = services.check_eligibility(application=application, by=officer, eligible=True)
    criteria = list(application.round.criteria.all())
    if target == S.ELIGIBLE:
        if n % 2:
            services.declare_conflict(
                application=application, by=c.assessor, note="I am a trustee of the applicant"
            )
        else:
            first = criteria[0]
            services.score_application(
                application=application, by=c.assessor, scores={first.pk: (3, "A clear need")}
            )
        return application
    score = 4 if target != S.DECLINED else 2
    services.score_application(
        application=application,
        by=c.assessor,
        scores={
            criterion.pk: (score - position % 2, "Well evidenced" if score > 2 else "Thin")
            for position, criterion in enumerate(criteria)
        },
    )
    application = services.complete_assessment(application=application, by=officer)
    if target == S.ASSESSED:
        return application
    if target == S.DECLINED:
        return services.decline_application(
            application=application,
            by=c.commissioner,
            reason="Other applications met the round's criteria more strongly",
            decided_by=c.decider,
            decided_on=decided_on,
        )
    application = services.link_organisation(application=application, by=officer)
    application = services.recommend(
        application=application,
        by=officer,
        amount=bid.amount,
        recommendation="Scored well on every criterion; a realistic budget",
    )
    if target == S.RECOMMENDED:
        return application
    award = services.award_grant(
        application=application,
        by=c.commissioner,
        amount=bid.amount,
        reasons=f"{bid.project.outcomes}: the project meets the round's criteria",
        conditions=CONDITIONS,
        decided_by=c.decider,
        decided_on=decided_on,
    )
    c.made["awards"] += 1
    return _run_the_grant(c, award, target, accepted_on=decided_on + timedelta(days=5))


def _run_the_grant(c: Context, award: Award, target: str, *, accepted_on: date) -> Application:
    """Take an award on: the offer accepted, the grant started, its first instalment paid."""
    application = award.application
    if target == S.APPROVED:
        return application
    grantee = application.applicant or c.officer
    application = services.accept_offer(application=application, by=grantee)
    Award.objects.filter(pk=award.pk).update(offer_accepted_at=_at(accepted_on))
    if target == S.OFFER_ACCEPTED:
        return application
    application = services.activate_award(application=application, by=c.officer)
    first = award.instalments.order_by("number").first()
    paid_on = max(first.due_on, accepted_on)
    services.release_instalment(instalment=first, by=c.officer, now=_at(paid_on, 9))
    services.record_instalment_paid(instalment=first, by=c.officer, paid_at=_at(paid_on, 15))
    return application


def _backdate(application: Application, when: dict[str, datetime]) -> None:
    """Date each step of the history when it would have happened, not when the demo ran."""
    moves = list(application.transitions.all())
    for move in moves:
        move.at = when.get(move.to_status, move.at)
    ApplicationTransition.objects.bulk_update(moves, ["at"])


def _bids(c: Context, grant_round: GrantRound, bids: list[Bid], *, sent_from: date, steps) -> list:
    """Each bid applied for and taken to its step; the history dated by `steps` (a step's
    status -> its day)."""
    made = []
    for offset, bid in enumerate(bids):
        sent_at = _at(sent_from + timedelta(days=offset % 20), 14)
        starts_on = steps["starts_on"]
        application = _apply(c, grant_round, bid, starts_on=starts_on, sent_at=sent_at)
        if bid.target != "draft":
            application = _take_along(
                c, application, bid, decided_on=steps[S.APPROVED], n=bid.number
            )
            when = {S.SUBMITTED: sent_at}
            when.update({status: _at(day) for status, day in steps.items() if status in S.values})
            _backdate(application, when)
        made.append(application)
    return made


def _current_rounds(c: Context, scheme: GrantScheme, applicants: list[User]) -> None:
    today = c.today
    label = financial_year_label
    first = _round(
        c,
        slug="tier-1-first-call",
        scheme=scheme,
        name=f"{label(financial_year_of(today - timedelta(days=120)))} tier 1, first call",
        tier=1,
        description=(
            "One-off grants of up to £20,000 for community projects that prevent crime and "
            "disorder, divert young people from offending or support victims."
        ),
        opens_at=_at(today - timedelta(days=120), 9),
        closes_at=_at(today - timedelta(days=60), 17),
        decisions_expected_on=today - timedelta(days=21),
        budget=Decimal("400000.00"),
        minimum_award=Decimal("500.00"),
        maximum_award=Decimal("19999.00"),
        longest_project_months=12,
    )
    if first is not None:
        targets = [
            S.ELIGIBLE,
            S.ELIGIBLE,
            S.ASSESSED,
            S.RECOMMENDED,
            S.RECOMMENDED,
            S.APPROVED,
            S.OFFER_ACCEPTED,
            S.ACTIVE,
            S.ACTIVE,
            S.ACTIVE,
            S.DECLINED,
            S.DECLINED,
            S.INELIGIBLE,
        ]
        bids = [
            Bid(
                target,
                PROJECTS[n % len(PROJECTS)],
                100 + n,
                Decimal(3000 + n * 1250),
                c.applicant if n == 7 else applicants[n],
            )
            for n, target in enumerate(targets)
        ]
        closes = today - timedelta(days=60)
        steps = {
            S.ELIGIBLE: closes + timedelta(days=7),
            S.INELIGIBLE: closes + timedelta(days=7),
            S.ASSESSED: closes + timedelta(days=21),
            S.RECOMMENDED: closes + timedelta(days=30),
            S.APPROVED: today - timedelta(days=21),
            S.DECLINED: today - timedelta(days=21),
            S.OFFER_ACCEPTED: today - timedelta(days=16),
            S.ACTIVE: today - timedelta(days=11),
            "starts_on": today - timedelta(days=15),
        }
        made = _bids(c, first, bids, sent_from=today - timedelta(days=100), steps=steps)
        _start_up_reports(c, [a for a in made if a.status == S.ACTIVE])

    second = _round(
        c,
        slug="tier-1-second-call",
        scheme=scheme,
        name=f"{label(financial_year_of(today - timedelta(days=30)))} tier 1, second call",
        tier=1,
        description=(
            "A second call for one-off grants of up to £20,000, for projects that bring "
            "communities together to prevent crime and disorder."
        ),
        opens_at=_at(today - timedelta(days=30), 9),
        closes_at=_at(today + timedelta(days=5), 17),
        decisions_expected_on=today + timedelta(days=60),
        budget=Decimal("300000.00"),
        minimum_award=Decimal("500.00"),
        maximum_award=Decimal("19999.00"),
        longest_project_months=12,
    )
    if second is not None:
        targets = ["draft", S.SUBMITTED, S.SUBMITTED, S.INELIGIBLE, S.WITHDRAWN, "draft"]
        bids = [
            Bid(
                target,
                PROJECTS[(n + 3) % len(PROJECTS)],
                200 + n,
                Decimal(2500 + n * 1500),
                c.applicant if n == 0 else applicants[13 + n],
            )
            for n, target in enumerate(targets)
        ]
        steps = {
            S.INELIGIBLE: today - timedelta(days=4),
            S.WITHDRAWN: today - timedelta(days=6),
            S.APPROVED: today,
            "starts_on": today + timedelta(days=75),
        }
        _bids(c, second, bids, sent_from=today - timedelta(days=25), steps=steps)

    _round(
        c,
        slug="tier-2",
        scheme=scheme,
        name=f"{label(financial_year_of(today + timedelta(days=21)))} tier 2",
        tier=2,
        description=(
            "Larger grants for partnerships and consortia working across more than one "
            "policing area, for up to two years."
        ),
        opens_at=_at(today + timedelta(days=21), 9),
        closes_at=_at(today + timedelta(days=63), 17),
        decisions_expected_on=today + timedelta(days=110),
        budget=Decimal("250000.00"),
        minimum_award=Decimal("20000.00"),
        maximum_award=Decimal("100000.00"),
        longest_project_months=24,
        criteria=4,
    )


def _start_up_reports(c: Context, running: list[Application]) -> None:
    """The round's conditions ask for a short report a few weeks into each grant: one due soon,
    one overdue, and one sent and waiting to be read."""
    today = c.today
    dues = (today + timedelta(days=10), today - timedelta(days=5), today - timedelta(days=2))
    for application, due_on in zip(running, dues, strict=False):
        report = MonitoringReport.objects.create(
            award=application.award, title="Start-up report", due_on=due_on
        )
        if due_on == dues[2]:
            services.submit_monitoring_report(
                report=report,
                by=application.applicant,
                narrative="Sessions have started and referrals are coming in from the schools.",
                people_reached=18,
                spend_to_date=Decimal("1500.00"),
                figures={("age", "10 to 15"): 11, ("age", "16 to 19"): 7},
            )
            MonitoringReport.objects.filter(pk=report.pk).update(
                submitted_at=_at(today - timedelta(days=3), 16)
            )


def _private_fund(c: Context, scheme: GrantScheme, applicants: list[User]) -> None:
    """The private fund's bids: four awards leave £3,000 of the year's £20,000, so the fifth,
    recommended for £4,000, cannot be made; its budget guard says so."""
    today = c.today
    grant_round = _round(
        c,
        slug="private-fund-bids",
        scheme=scheme,
        name=f"{financial_year_label(financial_year_of(today))} bids to the private fund",
        tier=None,
        description=(
            "Charities and community groups bid for a share of £20,000, for anything from "
            "diversionary schemes for young people to helping an established organisation "
            "expand its work."
        ),
        opens_at=_at(today - timedelta(days=75), 9),
        closes_at=_at(today - timedelta(days=45), 17),
        decisions_expected_on=today - timedelta(days=20),
        budget=Decimal("20000.00"),
        minimum_award=Decimal("250.00"),
        maximum_award=Decimal("5000.00"),
        longest_project_months=12,
        criteria=2,
        question=False,
    )
    if grant_round is None:
        return
    amounts_and_steps = (
        (S.ACTIVE, "5000"),
        (S.ACTIVE, "4500"),
        (S.OFFER_ACCEPTED, "4000"),
        (S.APPROVED, "3500"),
        (S.RECOMMENDED, "4000"),
        (S.DECLINED, "2000"),
    )
    bids = [
        Bid(target, PROJECTS[(n + 5) % len(PROJECTS)], 300 + n, Decimal(amount), applicants[n + 20])
        for n, (target, amount) in enumerate(amounts_and_steps)
    ]
    # Every grant of the year starts in this financial year, so they share its £20,000.
    year_starts, _ = financial_year_bounds(financial_year_of(today))
    steps = {
        S.ELIGIBLE: today - timedelta(days=40),
        S.ASSESSED: today - timedelta(days=30),
        S.RECOMMENDED: today - timedelta(days=25),
        S.APPROVED: today - timedelta(days=20),
        S.DECLINED: today - timedelta(days=20),
        S.OFFER_ACCEPTED: today - timedelta(days=14),
        S.ACTIVE: today - timedelta(days=7),
        "starts_on": max(today - timedelta(days=10), year_starts),
    }
    _bids(c, grant_round, bids, sent_from=today - timedelta(days=70), steps=steps)


def _direct_awards(c: Context, scheme: GrantScheme) -> None:
    """A one-off award the office commissioned, with a report sent and waiting to be read; and
    three years of the police cadet scheme, whose second instalment waits for a report that is
    overdue."""
    today = c.today
    existing = set(
        Application.objects.filter(kind=Application.Kind.DIRECT_AWARD).values_list(
            "project_title", flat=True
        )
    )
    everywhere = sorted({place.area for place in c.places}, key=lambda a: a.pk)
    area_name = c.office.area_name or "Area"
    if "Relaunching the watch schemes" not in existing:
        watch = _organisation(c, f"{area_name} Watch Scheme Alliance", K.WATCH_SCHEME, everywhere)
        started = today - timedelta(days=100)
        application = services.create_direct_award(
            scheme=scheme,
            organisation=watch,
            by=c.officer,
            project_title="Relaunching the watch schemes",
            project_summary=(
                "Recruiting coordinators and relaunching neighbourhood, farm and horse watch "
                "schemes across the area."
            ),
            amount="12000",
            starts_on=started,
            ends_on=add_months(started, 9),
            activity_area=c.activity_areas.get(2),
            objectives=c.objective(2),
            policing_areas=everywhere,
            contact_name="The alliance's secretary",
        )
        award = services.award_grant(
            application=application,
            by=c.commissioner,
            amount="12000",
            reasons="Watch schemes help communities protect themselves and reduce burglary",
            conditions=CONDITIONS,
            decided_by=c.decider,
            decided_on=started - timedelta(days=10),
        )
        c.made["applications"] += 1
        c.made["awards"] += 1
        _run_the_grant(c, award, S.ACTIVE, accepted_on=started - timedelta(days=4))
        report = MonitoringReport.objects.create(
            award=award, title="Quarterly report", due_on=today - timedelta(days=10)
        )
        # Sent on paper, keyed in by the grants team.
        services.submit_monitoring_report(
            report=report,
            by=c.officer,
            narrative="Twelve new schemes started; coordinators trained in four areas.",
            people_reached=240,
            spend_to_date=Decimal("5200.00"),
        )
        _backdate(
            application,
            {
                S.RECOMMENDED: _at(started - timedelta(days=20)),
                S.APPROVED: _at(started - timedelta(days=10)),
                S.OFFER_ACCEPTED: _at(started - timedelta(days=4)),
                S.ACTIVE: _at(started),
            },
        )
    if "Police cadet scheme" not in existing:
        cadets = _organisation(c, f"{area_name} Police Cadets", K.STATUTORY_AGENCY, everywhere)
        started = today - timedelta(days=340)
        instalments = [(add_months(started, 12 * year), Decimal("30000")) for year in range(3)]
        application = services.create_direct_award(
            scheme=scheme,
            organisation=cadets,
            by=c.officer,
            project_title="Police cadet scheme",
            project_summary=(
                "A force-wide cadet scheme offering young people a practical introduction to "
                "policing and volunteering, funded for three cadet years subject to "
                "satisfactory monitoring reports."
            ),
            amount="90000",
            starts_on=started,
            ends_on=add_months(started, 36) - timedelta(days=1),
            activity_area=c.activity_areas.get(4),
            objectives=c.objective(4),
            policing_areas=everywhere,
            contact_name="The cadet scheme's coordinator",
        )
        award = services.award_grant(
            application=application,
            by=c.commissioner,
            amount="90000",
            reasons="The cadet scheme builds positive relationships with young people",
            conditions=CONDITIONS + " Each later year's funding follows a satisfactory report.",
            decided_by=c.decider,
            decided_on=started - timedelta(days=10),
            instalments=instalments,
        )
        c.made["applications"] += 1
        c.made["awards"] += 1
        _run_the_grant(c, award, S.ACTIVE, accepted_on=started - timedelta(days=5))
        _backdate(
            application,
            {
                S.RECOMMENDED: _at(started - timedelta(days=25)),
                S.APPROVED: _at(started - timedelta(days=10)),
                S.OFFER_ACCEPTED: _at(started - timedelta(days=5)),
                S.ACTIVE: _at(started),
            },
        )


def _organisation(c: Context, name: str, kind: str, areas) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name, kind=kind, address=f"Headquarters\n{c.postcode(7)}"
        )
        organisation.policing_areas.set(areas)
    return organisation


def fill(*, today, stdout) -> None:
    c = _context(today)
    if c is None:
        stdout.write("  no policing areas or activity areas loaded: no grants\n")
        return
    main, private = _schemes(c)
    _tier_1_2015(c, main)
    _tier_2_2015(c, main)
    applicants = _applicants(26)
    _current_rounds(c, main, applicants)
    _private_fund(c, private, applicants)
    _direct_awards(c, main)
    made = c.made
    stdout.write(
        f"  {made['rounds']} rounds, {made['applications']} applications, {made['awards']} awards\n"
    )
