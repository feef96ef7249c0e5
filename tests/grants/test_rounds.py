"""Rounds store draft, published or withdrawn; upcoming, open, closed and decided follow from their
dates and applications at the moment of asking (decision 11)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grants import services
from grants.models import GrantRound
from grants.workflow import RoundPhase, RoundStatus
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def phases(now) -> dict[int, str]:
    """Each round's phase as a list page would get it, in one query."""
    return {r.pk: r.phase(now) for r in GrantRound.objects.with_phase()}


def test_a_rounds_phase_follows_its_dates(people):
    now = timezone.now()
    grant_round = f.GrantRoundFactory(
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=10)
    )
    assert grant_round.phase(now) == RoundPhase.UPCOMING
    assert grant_round.phase(now + timedelta(days=2)) == RoundPhase.OPEN
    assert grant_round.accepts_applications(now + timedelta(days=2))
    assert not grant_round.accepts_applications(now + timedelta(days=10))
    # Closed with nothing sent to it is closed, not decided.
    assert grant_round.phase(now + timedelta(days=11)) == RoundPhase.CLOSED
    assert list(GrantRound.objects.open(now + timedelta(days=2))) == [grant_round]
    assert list(GrantRound.objects.upcoming(now)) == [grant_round]
    assert list(GrantRound.objects.closed(now + timedelta(days=11))) == [grant_round]


def test_a_draft_or_withdrawn_round_has_no_phase_and_is_never_open():
    for status in (RoundStatus.DRAFT, RoundStatus.WITHDRAWN):
        grant_round = f.GrantRoundFactory(status=status)
        assert grant_round.phase() is None and not grant_round.accepts_applications()
        assert not GrantRound.objects.open().filter(pk=grant_round.pk).exists()


def test_a_closed_round_is_decided_once_every_application_sent_to_it_is(people):
    grant_round = f.GrantRoundFactory()
    waiting = f.submitted(people, round=grant_round)
    f.ApplicationFactory(round=grant_round)  # a draft never sent does not hold it up
    after_close = grant_round.closes_at + timedelta(seconds=1)
    grant_round = GrantRound.objects.get(pk=grant_round.pk)
    assert grant_round.phase(after_close) == RoundPhase.CLOSED
    assert phases(after_close)[grant_round.pk] == RoundPhase.CLOSED
    services.check_eligibility(
        application=waiting, by=people.officer, eligible=False, reason="Out of area"
    )
    grant_round = GrantRound.objects.get(pk=grant_round.pk)
    assert grant_round.phase(after_close) == RoundPhase.DECIDED
    assert phases(after_close)[grant_round.pk] == RoundPhase.DECIDED
    assert list(GrantRound.objects.decided(after_close)) == [grant_round]
    assert str(grant_round.phase_state(after_close).public_name) == "Decided"


def test_the_committed_total_is_annotated_for_a_list(people):
    grant_round = f.GrantRoundFactory()
    f.approved(people, round=grant_round, amount="3000")
    f.GrantRoundFactory()
    committed = {r.pk: r.committed for r in GrantRound.objects.with_committed()}
    assert committed[grant_round.pk] == Decimal("3000.00")
    assert sorted(committed.values()) == [Decimal("0.00"), Decimal("3000.00")]


def test_a_round_closes_after_it_opens_and_its_limits_make_sense():
    now = timezone.now()
    grant_round = f.GrantRoundFactory.build(
        scheme=f.GrantSchemeFactory(),
        opens_at=now,
        closes_at=now,
        minimum_award=Decimal("30000"),
        maximum_award=Decimal("20000"),
    )
    with pytest.raises(ValidationError) as caught:
        grant_round.full_clean()
    messages = caught.value.messages
    assert "The closing date must be after it opens" in messages
    assert "The smallest award must be the same as or less than the largest" in messages


def test_rounds_move_as_the_workflow_allows(people):
    grant_round = f.GrantRoundFactory(status=RoundStatus.DRAFT)
    f.CriterionFactory(round=grant_round)
    with pytest.raises(PermissionDenied):
        services.move_round(grant_round=grant_round, to=RoundStatus.PUBLISHED, by=people.assessor)
    with pytest.raises(ValidationError) as caught:
        services.move_round(grant_round=grant_round, to=RoundStatus.WITHDRAWN, by=people.officer)
    assert caught.value.message_dict["status"] == [
        "A round that is draft cannot be moved to withdrawn"
    ]
    for to in (RoundStatus.PUBLISHED, RoundStatus.WITHDRAWN, RoundStatus.DRAFT):
        grant_round = services.move_round(grant_round=grant_round, to=to, by=people.officer)
        assert grant_round.status == to
