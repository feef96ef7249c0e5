"""Neither a round's budget (whole awards) nor a scheme's annual budget (each instalment in the
financial year it falls due) can be over-committed, one award after another or two at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import services
from grants.awarding import round_budget_left, scheme_budget_left
from grants.financial_years import financial_year_bounds, financial_year_label, financial_year_of
from grants.models import Award, Instalment
from grants.workflow import ApplicationStatus as S
from tests.grants import factories as f


@pytest.mark.parametrize(
    "day, year",
    [
        (date(2015, 4, 1), 2015),
        (date(2016, 3, 31), 2015),
        (date(2016, 4, 1), 2016),
        (date(2016, 1, 15), 2015),
        (date(2015, 12, 31), 2015),
    ],
)
def test_the_financial_year_runs_april_to_march(day, year):
    assert financial_year_of(day) == year


def test_financial_years_are_named_and_bounded_as_the_office_writes_them():
    assert financial_year_label(2015) == "2015/16"
    assert financial_year_label(1999) == "1999/00"
    assert financial_year_bounds(2015) == (date(2015, 4, 1), date(2016, 3, 31))


def award(application, by, amount, **kwargs):
    return services.award_grant(
        application=application, by=by, amount=amount, reasons="Good value", **kwargs
    )


@pytest.mark.django_db
def test_an_instalment_counts_against_the_year_it_falls_due(people):
    application = f.recommended(people)
    made = award(
        application,
        people.commissioner,
        "5000",
        starts_on=date(2016, 3, 1),
        ends_on=date(2017, 2, 28),
        instalments=[(date(2016, 3, 31), "2000"), (date(2016, 4, 1), "3000")],
    )
    assert [(i.financial_year, i.amount) for i in made.instalments.all()] == [
        (2015, Decimal("2000.00")),
        (2016, Decimal("3000.00")),
    ]
    assert made.is_multi_year
    scheme = application.scheme
    assert Instalment.objects.committed_in(scheme, 2015) == Decimal("2000.00")
    assert Instalment.objects.committed_in(scheme, 2016) == Decimal("3000.00")
    assert scheme_budget_left(scheme, 2016) == scheme.annual_budget - Decimal("3000.00")


@pytest.mark.django_db
def test_a_round_is_not_over_committed_one_award_after_another(people):
    grant_round = f.GrantRoundFactory(budget=Decimal("9000.00"), maximum_award=Decimal("5000.00"))
    first, second = (f.recommended(people, round=grant_round) for _ in range(2))
    award(first, people.commissioner, "5000")
    assert round_budget_left(grant_round) == Decimal("4000.00")
    with pytest.raises(ValidationError) as caught:
        award(second, people.commissioner, "5000")
    assert caught.value.message_dict["amount"] == [
        "This award would take the round over its budget: £4,000.00 of £9,000.00 is left"
    ]
    second.refresh_from_db()
    assert second.status == S.RECOMMENDED and not hasattr(second, "award")
    # What is left can still be awarded.
    award(second, people.commissioner, "4000")
    assert round_budget_left(grant_round) == Decimal("0.00")


@pytest.mark.django_db
def test_a_schemes_annual_budget_is_not_over_committed_across_its_rounds(people):
    scheme = f.GrantSchemeFactory(annual_budget=Decimal("8000.00"))
    rounds = [f.GrantRoundFactory(scheme=scheme) for _ in range(2)]
    first, second = (f.recommended(people, round=r) for r in rounds)
    award(first, people.commissioner, "5000", instalments=[(date(2015, 6, 1), "5000")])
    with pytest.raises(ValidationError) as caught:
        award(second, people.commissioner, "5000", instalments=[(date(2015, 9, 1), "5000")])
    assert caught.value.message_dict["amount"] == [
        f"This award would take {scheme.name} over its budget for 2015/16: "
        "£3,000.00 of £8,000.00 is left"
    ]
    # The same money falling due in the next financial year fits.
    award(second, people.commissioner, "5000", instalments=[(date(2016, 4, 1), "5000")])
    assert Award.objects.count() == 2


@pytest.mark.django_db
def test_a_withdrawn_award_frees_its_budget(people):
    grant_round = f.GrantRoundFactory(budget=Decimal("5000.00"), maximum_award=Decimal("5000.00"))
    first, second = (f.recommended(people, round=grant_round) for _ in range(2))
    award(first, people.commissioner, "5000")
    with pytest.raises(ValidationError):
        award(second, people.commissioner, "5000")
    services.withdraw_application(application=first, by=first.applicant, reason="Offer refused")
    award(second, people.commissioner, "5000")
    assert round_budget_left(grant_round) == Decimal("0.00")


@pytest.mark.django_db
def test_a_direct_award_counts_against_its_schemes_annual_budget(people):
    scheme = f.GrantSchemeFactory(annual_budget=Decimal("20000.00"), name="Private fund")
    organisation = f.linked_organisation()
    application = services.create_direct_award(
        scheme=scheme,
        organisation=organisation,
        by=people.officer,
        project_title="Victim support helpline",
        project_summary="A helpline run by volunteers",
        amount="20000.01",
        starts_on=date(2015, 5, 1),
        ends_on=date(2016, 3, 31),
    )
    with pytest.raises(ValidationError) as caught:
        award(application, people.commissioner, "20000.01")
    assert "over its budget for 2015/16" in caught.value.message_dict["amount"][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officers_awarding_at_the_same_moment_never_exceed_the_budget(make_user, office):
    """Four awards of £4,000 released together against a round of £10,000 and a scheme of
    £13,000 a year: the row locks let exactly two through, whatever the order."""
    import threading

    from django.db import connection

    people = f.Office(make_user)
    scheme = f.GrantSchemeFactory(annual_budget=Decimal("13000.00"))
    grant_round = f.GrantRoundFactory(
        scheme=scheme, budget=Decimal("10000.00"), maximum_award=Decimal("5000.00")
    )
    other_round = f.GrantRoundFactory(
        scheme=scheme, budget=Decimal("10000.00"), maximum_award=Decimal("5000.00")
    )
    applications = [f.recommended(people, round=grant_round) for _ in range(4)]
    # A fifth, in another round of the same scheme, races against the scheme's annual budget.
    applications.append(f.recommended(people, round=other_round))
    officers = [make_user("Grants officer") for _ in applications]
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def decide(application, officer):
        barrier.wait()
        try:
            award(
                application,
                officer,
                "4000",
                decided_by="Alex Holder",
                decided_on=date(2015, 6, 1),
                instalments=[(date(2015, 7, 1), "4000")],
            )
            outcomes.append("awarded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=pair)
        for pair in zip(applications, officers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 5
    assert Award.objects.committed_to_round(grant_round) <= grant_round.budget
    assert Instalment.objects.committed_in(scheme, 2015) <= scheme.annual_budget
    # £13,000 a year holds three awards of £4,000, the round of £10,000 two of its four.
    assert outcomes.count("awarded") == 3 and outcomes.count("refused") == 2
    assert Award.objects.filter(application__round=grant_round).count() == 2
