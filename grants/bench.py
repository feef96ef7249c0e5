"""Grants in `make bench`: the published awards at volume, as a page and as 360Giving data.

The budgets: the public list of awards (`/grants/awarded/`) as fast as any public page (decision
35: at least a quarter of the bare view's requests per second, p95 under 50 ms at 20
connections, measured in the public pages' table); the 360Giving JSON of 5,000 awards served
whole in under 2 s, both when it is built afresh (the first visitor after an award changes) and
from the cache, with every published award in it once; and the list of awards built afresh in
under a second.

`prepare` gives the office ten years of a busy grant scheme: 5,000 awards (fewer when the bench
is asked for a smaller volume) in a public crime and disorder reduction scheme of their own, one
closed and decided round for each of the last ten financial years. They are written in bulk, as
the demo writes its 2015/16 history (grants/demo.py): the services decide one award at a time
under row locks, which would take the seeding minutes, not seconds. Each record is what the
services would have written: a paper application keyed in and linked to its organisation, its
budget lines and history, a reference from its number, an award within its round's limits and
budget and the scheme's annual budget, entered in the decisions register by its panel's
decision, its one instalment paid and its final report.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from pcc_portal.models import Decision
from pcc_portal.public_cache import bump
from pcc_portal.registry import BenchCheck, BenchScenario

from . import demo
from .applying import reference_for
from .awarding import FINAL_REPORT_AFTER_END
from .financial_years import financial_year_label, financial_year_of
from .models import (
    Application,
    ApplicationTransition,
    Award,
    BudgetLine,
    GrantRound,
    GrantScheme,
    Instalment,
    MonitoringReport,
)
from .models.applications import add_months
from .signals import AWARDS, ROUNDS
from .workflow import ApplicationStatus, ReportStatus, RoundStatus

S = ApplicationStatus
# The 360Giving file the budget speaks of: ten years of a scheme making 500 grants a year.
MOST_AWARDS = 5000
YEARS = 10
THREESIXTY_BUDGET_SECONDS = 2.0
PAGE_BUDGET_SECONDS = 1.0
CACHED_RUNS = 5
BATCH = 1000
SCHEME_SLUG = "community-safety-fund"
MAXIMUM_AWARD = Decimal("19999.00")
# A round's budget, and the scheme's for a year, hold the most awards a round can be given.
YEARLY_BUDGET = Decimal(-(-MOST_AWARDS // YEARS)) * (MAXIMUM_AWARD + 1)
# When each round's grants panel met, as (month, day) within its financial year.
PANELS = ((9, 24), (10, 22), (11, 26), (1, 21))
# Organisations are numbered from here for their charity numbers, clear of the demo's own.
FIRST_ORGANISATION_NUMBER = 5000
KEYED_IN = "Received on paper and keyed in by the grants team"


# --- Seeding ----------------------------------------------------------------------------------


def bench_scheme(c: demo.Context) -> GrantScheme:
    scheme, _ = GrantScheme.objects.get_or_create(
        slug=SCHEME_SLUG,
        defaults={
            "name": "Community safety fund",
            "description": (
                "Grants of up to £20,000 a year for local projects that reduce crime and "
                "disorder or support victims, decided by the grants panel four times a year."
            ),
            "funder": c.office.office_name,
            "annual_budget": YEARLY_BUDGET,
            "eligibility": "Charities and community groups working in the area.",
            "is_public": True,
            "crime_and_disorder_reduction": True,
            "grant_programme_code": "CSF",
        },
    )
    return scheme


def _round_years(today: date) -> list[int]:
    """The last YEARS financial years before this one, oldest first: every round is decided
    and every grant started."""
    this_year = financial_year_of(today)
    return list(range(this_year - YEARS, this_year))


def bench_rounds(c: demo.Context, scheme: GrantScheme) -> dict[int, GrantRound]:
    """The scheme's round of each year, made when missing: open in May and June, decided by
    the panels from September to January."""
    rounds = {}
    for year in _round_years(c.today):
        label = financial_year_label(year)
        rounds[year], _ = GrantRound.objects.get_or_create(
            slug=f"{SCHEME_SLUG}-{label.replace('/', '-')}",
            defaults={
                "scheme": scheme,
                "name": label,
                "tier": 1,
                "description": "Grants for local projects that make communities safer.",
                "opens_at": demo._at(date(year, 5, 1), 9),
                "closes_at": demo._at(date(year, 6, 30), 17),
                "decisions_expected_on": date(year, 9, 30),
                "budget": YEARLY_BUDGET,
                "minimum_award": Decimal("500.00"),
                "maximum_award": MAXIMUM_AWARD,
                "longest_project_months": 12,
                "status": RoundStatus.PUBLISHED,
            },
        )
    return rounds


def _panel_day(year: int, panel: int) -> date:
    month, day = PANELS[panel]
    # January's panel sits in the second calendar year of the financial year.
    return date(year + 1 if month < 4 else year, month, day)


def _panel_decision(c: demo.Context, scheme: GrantScheme, year: int, panel: int) -> Decision:
    """One decision for all the grants a panel made (award_grant's `decision_record`)."""
    label = financial_year_label(year)
    decision, _ = Decision.objects.get_or_create(
        reference=f"{scheme.grant_programme_code} {label} panel {panel + 1}",
        defaults={
            "title": f"{scheme.name} {label}: grants agreed by panel {panel + 1}",
            "decided_on": _panel_day(year, panel),
            "decided_by": c.decider,
            "summary": (
                "Grants to local organisations to reduce crime and disorder or to support "
                "victims, on the recommendation of the grants panel."
            ),
            "is_public": scheme.is_public,
        },
    )
    return decision


@dataclass
class _Grant:
    """What one generated award is made of, before any row is written."""

    application: Application
    amount: Decimal
    decided_on: date
    decision: Decision
    closed: bool
    report_due: date
    steps: list
    area: object
    objectives: list


def _organisations(c: demo.Context) -> dict[tuple[int, int], object]:
    """An organisation for each kind of project in each place, by (project, place) numbers:
    the demo's where one has the name already, so the office's regular grantees recur."""
    wanted = [
        (project, c.place(place), FIRST_ORGANISATION_NUMBER + place * len(demo.PROJECTS) + n)
        for place in range(len(c.places))
        for n, project in enumerate(demo.PROJECTS)
    ]
    found = demo._organisations(c, wanted)
    return {
        (n % len(demo.PROJECTS), n // len(demo.PROJECTS)): organisation
        for n, organisation in enumerate(found)
    }


def _grant(c, i, *, scheme, rounds, years, organisations, decisions, now) -> _Grant:
    """The i-th generated award: its round by turns, its panel, project, place and amount."""
    year = years[i % len(years)]
    panel = (i // len(years)) % len(PANELS)
    project_number = i % len(demo.PROJECTS)
    place_number = (i // len(demo.PROJECTS)) % len(c.places)
    project, place = demo.PROJECTS[project_number], c.place(place_number)
    organisation = organisations[(project_number, place_number)]
    decided_on = _panel_day(year, panel)
    amount = demo._tier_1_amount(i)
    requested = amount + Decimal(250 * (i % 3))
    starts_on = decided_on + timedelta(weeks=3 + i % 4)
    ends_on = add_months(starts_on, 12) - timedelta(days=1)
    submitted = demo._at(date(year, 6, 1) + timedelta(days=i % 29), 11)
    report_due = ends_on + FINAL_REPORT_AFTER_END
    closed = demo._closed_at(ends_on) <= now
    steps = [
        (S.SUBMITTED, submitted),
        (S.ELIGIBLE, demo._at(date(year, 7, 15))),
        (S.ASSESSED, demo._at(date(year, 8, 20))),
        (S.RECOMMENDED, demo._at(decided_on - timedelta(days=7))),
        (S.APPROVED, demo._at(decided_on)),
        (S.OFFER_ACCEPTED, demo._at(decided_on + timedelta(days=8))),
        (S.ACTIVE, demo._at(starts_on)),
    ]
    if closed:
        steps.append((S.CLOSED, demo._closed_at(ends_on)))
    application = Application(
        kind=Application.Kind.OPEN_ROUND,
        scheme=scheme,
        round=rounds[year],
        status=steps[-1][0],
        organisation=organisation,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        charity_number=organisation.charity_number,
        organisation_address=f"{1 + i % 40} High Street\n{place.town}",
        organisation_postcode=c.postcode(i),
        has_safeguarding_policy=project.safeguarding,
        governing_document=Application.GoverningDocument.CONSTITUTION,
        contact_name=demo.CONTACTS[i % len(demo.CONTACTS)],
        contact_email=f"grants.contact.{i}@example.org",
        project_title=f"{project.title} in {place.town}",
        project_summary=project.summary,
        project_activities=project.summary,
        project_beneficiaries=project.beneficiaries,
        activity_area=c.activity_areas.get(project.activity_area),
        starts_on=starts_on,
        ends_on=ends_on,
        amount_requested=requested,
        expected_outcomes=project.outcomes,
        declaration_given_at=submitted,
        submitted_at=submitted,
        recommended_amount=amount,
        recommendation="Meets the round's criteria well",
        decided_by=c.decider,
        decided_on=decided_on,
    )
    return _Grant(
        application=application,
        amount=amount,
        decided_on=decided_on,
        decision=decisions[(year, panel)],
        closed=closed,
        report_due=report_due,
        steps=steps,
        area=place.area,
        objectives=c.objective(i),
    )


def _write(c: demo.Context, grants: list[_Grant]) -> None:
    """The grants' rows, each table in bulk, in the order the services write them."""
    applications = [grant.application for grant in grants]
    Application.objects.bulk_create(applications, batch_size=BATCH)
    for application in applications:
        application.reference = reference_for(application, application.submitted_at)
    Application.objects.bulk_update(applications, ["reference"], batch_size=BATCH)
    areas = Application.policing_areas.through
    areas.objects.bulk_create(
        (areas(application_id=g.application.pk, policingarea_id=g.area.pk) for g in grants),
        batch_size=BATCH,
    )
    objectives = Application.objectives.through
    objectives.objects.bulk_create(
        (
            objectives(application_id=g.application.pk, objective_id=objective.pk)
            for g in grants
            for objective in g.objectives
        ),
        batch_size=BATCH,
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
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    ApplicationTransition.objects.bulk_create(
        (move for g in grants for move in _history(c, g)), batch_size=BATCH
    )
    awards = [
        Award(
            application=g.application,
            amount=g.amount,
            conditions=demo.CONDITIONS,
            reasons=(
                f"{g.application.expected_outcomes}: the project meets the round's aim of "
                "reducing crime and disorder in the area."
            ),
            starts_on=g.application.starts_on,
            ends_on=g.application.ends_on,
            decided_by=c.decider,
            decided_on=g.decided_on,
            decision_record=g.decision,
            recorded_by=c.officer,
            offer_accepted_at=demo._at(g.decided_on + timedelta(days=8)),
            closed_at=demo._closed_at(g.application.ends_on) if g.closed else None,
        )
        for g in grants
    ]
    Award.objects.bulk_create(awards, batch_size=BATCH)
    served = Award.beneficiary_areas.through
    served.objects.bulk_create(
        (
            served(award_id=award.pk, policingarea_id=g.area.pk)
            for award, g in zip(awards, grants, strict=True)
        ),
        batch_size=BATCH,
    )
    Instalment.objects.bulk_create(
        (
            Instalment(
                award=award,
                number=1,
                due_on=award.starts_on,
                amount=award.amount,
                financial_year=financial_year_of(award.starts_on),
                released_at=demo._at(award.starts_on, 9),
                released_by=c.officer,
                paid_at=demo._at(award.starts_on + timedelta(days=5)),
            )
            for award in awards
        ),
        batch_size=BATCH,
    )
    MonitoringReport.objects.bulk_create(
        (_final_report(c, award, g) for award, g in zip(awards, grants, strict=True)),
        batch_size=BATCH,
    )


def _history(c: demo.Context, grant: _Grant):
    """Each move of the application, from the draft keyed in to where it stands."""
    previous = S.DRAFT
    for target, at in grant.steps:
        yield ApplicationTransition(
            application=grant.application,
            from_status=previous,
            to_status=target,
            by=c.commissioner if target == S.APPROVED else c.officer,
            at=at,
            note=KEYED_IN if target == S.SUBMITTED else "",
        )
        previous = target


def _final_report(c: demo.Context, award: Award, grant: _Grant) -> MonitoringReport:
    due = grant.report_due
    report = MonitoringReport(award=award, title="Final report", due_on=due, is_final=True)
    if grant.closed:
        reached = 20 + award.application.pk * 37 % 280
        report.status = ReportStatus.ACCEPTED
        report.narrative = f"The project ran as planned and reached {reached} people."
        report.people_reached = reached
        report.spend_to_date = award.amount
        report.submitted_at = demo._at(due - timedelta(days=6))
        report.reviewed_at = demo._at(due + timedelta(days=9))
        report.reviewed_by = c.officer
        report.officer_note = "Accepted: outcomes met"
    return report


def seed_awards(*, count: int, today: date | None = None) -> int:
    """Add `count` published awards to the bench's scheme, after those it has; returns how
    many. Refreshes the cached public pages that show awards and rounds."""
    if count <= 0:
        return 0
    c = demo._context(today or timezone.localdate())
    if c is None:
        raise SystemExit("No policing areas or activity areas: load the reference data first.")
    with transaction.atomic():
        scheme = bench_scheme(c)
        rounds = bench_rounds(c, scheme)
        years = sorted(rounds)
        decisions = {
            (year, panel): _panel_decision(c, scheme, year, panel)
            for year in years
            for panel in range(len(PANELS))
        }
        organisations = _organisations(c)
        first = Award.objects.filter(application__scheme=scheme).count()
        now = timezone.now()
        grants = [
            _grant(
                c,
                i,
                scheme=scheme,
                rounds=rounds,
                years=years,
                organisations=organisations,
                decisions=decisions,
                now=now,
            )
            for i in range(first, first + count)
        ]
        _write(c, grants)
    # Bulk writes send no signals: the cached pages learn of the awards here.
    bump(AWARDS, ROUNDS)
    return count


def prepare(*, volume: int) -> None:
    """Top the bench's scheme up to its awards (the volume asked for, at most MOST_AWARDS),
    then let the planner see them, as autovacuum would on tables that grew this much."""
    wanted = min(volume, MOST_AWARDS)
    have = Award.objects.filter(application__scheme__slug=SCHEME_SLUG).count()
    made = seed_awards(count=wanted - have)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Application, Award, Instalment, ApplicationTransition):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    published = Award.objects.published().count()
    print(f"{SCHEME_SLUG}: {made:,} awards added, {published:,} published in all", flush=True)


# --- Talking to the portal --------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    first_byte: float
    seconds: float


def fetch(base_url: str, path: str) -> Reply:
    """An anonymous GET, timed to its first byte and to its last."""
    parts = urlsplit(base_url)
    link = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    began = time.perf_counter()
    try:
        link.request("GET", path)
        reply = link.getresponse()
        first = reply.read(1)
        first_byte = time.perf_counter() - began
        body = first + reply.read()
        seconds = time.perf_counter() - began
        headers = {name.lower(): value for name, value in reply.getheaders()}
        return Reply(reply.status, headers, body, first_byte, seconds)
    finally:
        link.close()


# --- The public pages -------------------------------------------------------------------------


def public_pages(get) -> list[tuple[str, str]]:
    """The list of awards, which must list some."""
    path = reverse("grants:awarded")
    status, _, body = get(path)
    if status != 200 or 'id="awarded-total"' not in body:
        raise SystemExit(f"{path} lists no award to measure.")
    return [("Grants awarded", path)]


# --- The awards at volume ---------------------------------------------------------------------


def measure_awards_page(*, base_url: str, **_) -> list[BenchCheck]:
    path = reverse("grants:awarded")
    published = Award.objects.published().count()
    # As after an award is saved: the next visitor's page is built from the database.
    bump(AWARDS)
    afresh = fetch(base_url, path)
    return [
        BenchCheck(
            name=f"Awards page made afresh, {published:,} awards",
            figure=f"{afresh.seconds:.2f} s",
            budget=f"under {PAGE_BUDGET_SECONDS:.0f} s",
            passed=afresh.status == 200 and afresh.seconds < PAGE_BUDGET_SECONDS,
            note=(
                f"`{path}` as an anonymous visitor straight after the awards' version in the "
                "cache was bumped, as saving an award bumps it; the table's row above is the "
                "page as the visitors after that one get it, from the cache"
            ),
        )
    ]


def measure_threesixty_json(*, base_url: str, **_) -> list[BenchCheck]:
    path = reverse("grants:threesixty_json")
    published = Award.objects.published()
    expected = published.count()
    bump(AWARDS)
    afresh = fetch(base_url, path)
    if afresh.status != 200:
        raise SystemExit(f"{path} answered {afresh.status}, not 200.")
    grants = json.loads(afresh.body)["grants"]
    cached = [fetch(base_url, path) for _ in range(CACHED_RUNS)]
    times = [reply.seconds for reply in cached]
    size = len(afresh.body) / 2**20
    length = "with its length" if afresh.headers.get("content-length") else "chunked"
    budget = f"whole file under {THREESIXTY_BUDGET_SECONDS:.0f} s"
    return [
        BenchCheck(
            name=f"360Giving JSON made afresh, {expected:,} awards",
            figure=(
                f"{size:.1f} MB in {afresh.seconds:.2f} s, first bytes after "
                f"{afresh.first_byte:.2f} s, sent {length}"
            ),
            budget=budget,
            passed=afresh.seconds < THREESIXTY_BUDGET_SECONDS,
            note=(
                f"`{path}` as an anonymous visitor straight after the awards' version in the "
                "cache was bumped, so the file was built from the database: built whole rather "
                "than streamed, so that it can be stored and sent whole to the visitors after"
            ),
        ),
        BenchCheck(
            name="360Giving JSON from the cache",
            figure=(
                f"{statistics.median(times):.2f} s median, {max(times):.2f} s slowest "
                f"of {CACHED_RUNS}"
            ),
            budget=budget,
            passed=all(reply.status == 200 for reply in cached)
            and max(times) < THREESIXTY_BUDGET_SECONDS,
            note=f"`{path}` again, one GET after another, each served whole from the cache",
        ),
        BenchCheck(
            name="Grants in the file, against awards published",
            figure=f"{len(grants):,} grants ({len({g['id'] for g in grants}):,} ids), "
            f"{expected:,} awards published",
            budget="equal, each once",
            passed=len(grants) == expected == len({g["id"] for g in grants}),
            note="the grants counted in the file built afresh",
        ),
    ]


SCENARIO = BenchScenario(
    key="grants",
    title="Grants",
    about=(
        "The list of awards (`/grants/awarded/`) is a row of the table above. Before the portal "
        f"started, a public crime and disorder reduction scheme was given {MOST_AWARDS:,} "
        f"awards (fewer when the bench's volume is smaller) over the last {YEARS} financial "
        "years, written in bulk as the services would have written them (each application "
        "linked to its organisation, with its history, its award within the round's budget, "
        "its decision in the register, its paid instalment and final report), beside the "
        "demo's own. Each measure below ran in a process of its own under the bench settings "
        "while gunicorn served. The 360Giving budget: the whole file in under "
        f"{THREESIXTY_BUDGET_SECONDS:.0f} s, built afresh or from the cache."
    ),
    public_pages=public_pages,
    prepare=prepare,
    measures=(measure_awards_page, measure_threesixty_json),
)
