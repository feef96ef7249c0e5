"""Grants in `make bench`: the awards it seeds in bulk, as the services would have written them,
shown on the list of awards and in the 360Giving data; and its checks, here at a small volume
against Django's live server instead of gunicorn."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from grants import bench
from grants.financial_years import financial_year_label, financial_year_of
from grants.models import Application, Award, GrantRound, GrantScheme, Instalment
from grants.threesixty import grant_id, office_prefix
from grants.workflow import ApplicationStatus as S
from grants.workflow import ReportStatus, RoundPhase
from pcc_portal.registry import bench_scenarios
from tests.grants.test_threesixty import problems

pytestmark = pytest.mark.django_db
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)
AWARDED = reverse("grants:awarded")
JSON_URL = reverse("grants:threesixty_json")
CARD = re.compile(r'id="award-(\d+)"')


def _get(client):
    def get(path):
        page = client.get(path)
        return page.status_code, dict(page.headers), page.content.decode()

    return get


def test_the_scenario_is_plugged_in_with_its_page_seeding_and_measures():
    scenario = bench_scenarios.get("grants")
    assert scenario is bench.SCENARIO
    assert scenario.public_pages is bench.public_pages
    assert scenario.prepare is bench.prepare
    assert scenario.measures == (bench.measure_awards_page, bench.measure_threesixty_json)


def test_seeding_gives_exactly_the_awards_asked_for_all_published(reference_data):
    assert bench.seed_awards(count=23) == 23
    published = Award.objects.published()
    assert published.count() == 23
    assert Award.objects.count() == 23
    # Spread over the rounds of the last ten financial years, one scheme's, all decided.
    this_year = financial_year_of(timezone.localdate())
    rounds = GrantRound.objects.filter(scheme__slug=bench.SCHEME_SLUG)
    assert sorted(rounds.values_list("name", flat=True)) == [
        financial_year_label(year) for year in range(this_year - 10, this_year)
    ]
    assert set(published.values_list("application__round", flat=True)) == set(
        rounds.values_list("pk", flat=True)
    )
    assert {r.phase() for r in rounds.with_phase()} == {RoundPhase.DECIDED}


def test_the_seeded_rows_are_as_the_services_write_them(reference_data):
    bench.seed_awards(count=40)
    references = set()
    for award in Award.objects.select_related("application__round", "decision_record"):
        application = award.application
        assert application.status in (S.ACTIVE, S.CLOSED)
        assert application.reference == f"G{application.submitted_at.year}-{application.pk:05d}"
        references.add(application.reference)
        assert application.organisation_id is not None
        assert application.policing_areas.exists()
        assert list(award.beneficiary_areas.all()) == list(application.policing_areas.all())
        assert sum(line.amount for line in application.budget_lines.all()) == (
            application.amount_requested
        )
        grant_round = application.round
        assert grant_round.minimum_award <= award.amount <= grant_round.maximum_award
        assert award.amount <= application.amount_requested
        assert grant_round.closes_at > application.submitted_at >= grant_round.opens_at
        assert award.decision_record.decided_on == award.decided_on
        assert (application.decided_on, application.decided_by) == (
            award.decided_on,
            award.decided_by,
        )
        moves = list(application.transitions.values_list("from_status", "to_status"))
        assert moves[0] == (S.DRAFT, S.SUBMITTED)
        assert all(a[1] == b[0] for a, b in zip(moves, moves[1:], strict=False))
        assert moves[-1][1] == application.status
        (instalment,) = award.instalments.all()
        assert (instalment.amount, instalment.due_on) == (award.amount, award.starts_on)
        assert instalment.paid_at is not None
        final = award.reports.get(is_final=True)
        closed = application.status == S.CLOSED
        assert (final.status == ReportStatus.ACCEPTED) is closed
        assert (award.closed_at is not None) is closed
    assert len(references) == 40
    # Neither a round's budget nor the scheme's budget for any year is over-committed.
    scheme = GrantScheme.objects.get(slug=bench.SCHEME_SLUG)
    assert scheme.is_public and scheme.crime_and_disorder_reduction
    for grant_round in scheme.rounds.all():
        assert Award.objects.committed_to_round(grant_round) <= grant_round.budget
    for year in set(Instalment.objects.values_list("financial_year", flat=True)):
        assert Instalment.objects.committed_in(scheme, year) <= scheme.annual_budget


def test_every_seeded_award_is_in_the_360giving_data_once(reference_data, client):
    bench.seed_awards(count=30)
    document = json.loads(client.get(JSON_URL).content)
    assert problems(document) == []
    prefix = office_prefix()
    expected = {
        grant_id(prefix, reference, pk)
        for pk, reference in Award.objects.values_list("pk", "application__reference")
    }
    ids = [grant["id"] for grant in document["grants"]]
    assert len(ids) == 30
    assert set(ids) == expected


def test_every_seeded_award_is_on_the_list_of_awards(reference_data, client):
    bench.seed_awards(count=30)
    first = client.get(AWARDED).content.decode()
    assert "30 grants awarded" in first
    second = client.get(AWARDED, {"page": 2}).content.decode()
    shown = [int(pk) for pk in CARD.findall(first) + CARD.findall(second)]
    newest_first = Award.objects.order_by("-decided_on", "-pk").values_list("pk", flat=True)
    assert shown == list(newest_first)


def test_preparing_tops_the_scheme_up_to_the_volume_and_no_further(reference_data):
    bench.seed_awards(count=4)
    bench.prepare(volume=11)
    assert Award.objects.published().count() == 11
    applications = Application.objects.count()
    bench.prepare(volume=11)
    assert (Award.objects.count(), Application.objects.count()) == (11, applications)


def test_a_larger_volume_stops_at_the_awards_the_budget_speaks_of(reference_data, monkeypatch):
    monkeypatch.setattr(bench, "MOST_AWARDS", 6)
    bench.prepare(volume=100_000)
    assert Award.objects.published().count() == 6


def test_the_public_page_is_the_list_of_awards(reference_data, client):
    bench.seed_awards(count=3)
    assert bench.public_pages(_get(client)) == [("Grants awarded", AWARDED)]


def test_with_no_award_there_is_no_page_to_measure(reference_data, client):
    with pytest.raises(SystemExit, match="lists no award"):
        bench.public_pages(_get(client))


def _fetch_through(client, *, drop=0, seconds=0.1):
    """bench.fetch answered by the test client: the file with its last `drop` grants left out,
    taking `seconds`."""

    def fetch(base_url, path):
        page = client.get(path)
        body = page.content
        if drop and path == JSON_URL:
            document = json.loads(body)
            document["grants"] = document["grants"][:-drop]
            body = json.dumps(document).encode()
        return bench.Reply(page.status_code, dict(page.headers), body, seconds / 2, seconds)

    return fetch


def test_a_grant_missing_from_the_file_fails_the_count(reference_data, client, monkeypatch):
    bench.seed_awards(count=5)
    monkeypatch.setattr(bench, "fetch", _fetch_through(client, drop=1))
    afresh, cached, counted = bench.measure_threesixty_json(base_url="http://testserver")
    assert afresh.passed and cached.passed
    assert not counted.passed
    assert counted.figure == "4 grants (4 ids), 5 awards published"


def test_a_file_served_too_slowly_fails_its_budget(reference_data, client, monkeypatch):
    bench.seed_awards(count=5)
    monkeypatch.setattr(bench, "fetch", _fetch_through(client, seconds=2.5))
    afresh, cached, counted = bench.measure_threesixty_json(base_url="http://testserver")
    assert not afresh.passed and not cached.passed
    assert counted.passed
    assert "in 2.50 s, first bytes after 1.25 s" in afresh.figure


# --- Against a live server -------------------------------------------------------------------


@pytest.fixture
def live(live_server, reference_data):
    bench.seed_awards(count=12)
    return live_server.url


@LIVE
def test_the_360giving_checks_pass_with_every_award_in_the_file(live):
    afresh, cached, counted = bench.measure_threesixty_json(base_url=live)
    assert afresh.passed and cached.passed, (afresh.figure, cached.figure)
    assert afresh.name == "360Giving JSON made afresh, 12 awards"
    assert counted.passed
    assert counted.figure.startswith("12 grants (12 ids), 12 awards published")


@LIVE
def test_the_awards_page_made_afresh_is_within_its_budget(live):
    (check,) = bench.measure_awards_page(base_url=live)
    assert check.passed, check.figure
    assert check.name == "Awards page made afresh, 12 awards"
