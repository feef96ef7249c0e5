"""Equality monitoring: raw answers for named people only (and logged), and the fixed tables
everyone else sees, with the group-of-10 rule and secondary suppression."""

import random
from fractions import Fraction

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from consultations.equality import (
    ELSEWHERE,
    TOTAL,
    Table,
    characteristic_table,
    raw_equality_answers,
    suppress,
)
from consultations.models import EqualityAccess, EqualityAnswers, Response
from engagement.models import ReachedGroup
from pcc_portal.models import LocalAuthority, PolicingArea
from pcc_portal.roles import ROLES, Role, matches
from tests.consultations.factories import ConsultationFactory

RAW = ("view_equality_answers", "export_equality_answers")
Action = EqualityAccess.Action


# --- Suppression, without the database ----------------------------------------------------------


def test_the_worked_example():
    table = suppress(
        Table.with_totals(
            title="Ethnic group",
            rows=["White", "Asian", "Black", "Prefer not to say"],
            columns=["North", "South", "West"],
            counts=[
                [40, 25, 12],
                [3, 15, 20],
                [11, 2, 14],
                [4, 0, 3],
            ],
        )
    )
    assert table.counts[-1] == (58, 42, 49, 149)
    # Rows 0-4 are White, Asian, Black, Prefer not to say, Total; columns 0-3 North, South,
    # West, Total. By hand:
    # - counts of 1 to 9: Asian North 3, Black South 2, Prefer-not North 4 and West 3, and the
    #   Prefer-not total 7; the zero in Prefer-not South stays shown;
    # - Asian's row hides one, so its smallest other count goes too: South 15;
    # - Black's row likewise: North 11;
    # - West's column now hides only Prefer-not's 3: White West 12 goes;
    # - that leaves White's row with one: White South 25 goes;
    # - the Total column hides only Prefer-not's 7: Black's total 27 goes. Every row and column
    #   now hides none or at least two, and the hidden counts lie on cycles.
    assert table.hidden == {
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
        (2, 3),
        (3, 0),
        (3, 2),
        (3, 3),
    }
    assert table.body()[3] == ("Prefer not to say", [None, 0, None, None])
    assert table.body()[4] == (TOTAL, [58, 42, 49, 149])
    assert derivable(table) == set()


def test_a_count_linking_two_hidden_blocks_is_given_a_second_path():
    """Every row and column hides two or more, yet Asian-West (0, 2) is the only link between
    the two hidden blocks: it equals what row 0 hides minus what columns 0 and 1 hide, so one
    more count is hidden: the smallest that joins the blocks again, Mixed-East 12."""
    table = Table.with_totals(
        title="Ethnic group",
        rows=["Asian", "Mixed", "Black", "Other", "White"],
        columns=["North", "South", "West", "East", "Middle"],
        counts=[
            [1, 2, 3, 30, 30],
            [4, 5, 30, 12, 30],
            [30, 30, 6, 7, 30],
            [30, 30, 8, 9, 30],
            [30, 30, 30, 30, 30],
        ],
    )
    small = {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    assert derivable(Table(**{**table.__dict__, "hidden": frozenset(small)})) == {(0, 2)}
    suppressed = suppress(table)
    assert suppressed.hidden == small | {(1, 3)}
    assert derivable(suppressed) == set()


def test_zeros_are_shown_and_large_counts_alone_hide_nothing():
    table = suppress(
        Table.with_totals(title="Sex", rows=["Female", "Male"], columns=["A"], counts=[[0], [12]])
    )
    assert table.hidden == frozenset()


@pytest.mark.parametrize("seed", range(6))
def test_no_hidden_count_can_be_worked_out(seed):
    rng = random.Random(seed)
    for _ in range(80):
        height, width = rng.randint(1, 7), rng.randint(1, 6)
        counts = [
            [rng.choice([0, rng.randint(1, 9), rng.randint(10, 80)]) for _ in range(width)]
            for _ in range(height)
        ]
        table = suppress(
            Table.with_totals(
                title="T",
                rows=[f"r{i}" for i in range(height)],
                columns=[f"c{j}" for j in range(width)],
                counts=counts,
            )
        )
        small = {
            (r, c) for r, row in enumerate(table.counts) for c, n in enumerate(row) if 0 < n < 10
        }
        assert small <= table.hidden
        for line in table.lines():
            assert sum(cell in table.hidden for cell in line) != 1, (counts, line)
        assert derivable(table) == set(), counts


def derivable(table: Table) -> set:
    """The hidden counts fixed by the table's sums and the counts shown: an audit by linear
    algebra, independent of how suppress() chooses."""
    hidden = sorted(table.hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    equations = []
    for *members, total in table.lines():
        row = [Fraction(0)] * len(hidden)
        for cell in members:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            equations.append(row)
    base = rank(equations)
    fixed = set()
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if rank([*equations, unit]) == base:
            fixed.add(cell)
    return fixed


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column]:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


# --- The tables from the database ---------------------------------------------------------------


def answer(consultation, n, *, area=None, authority=None, suspect=False, groups=(), **fields):
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            policing_area=area,
            local_authority=authority,
            whereabouts=Response.Whereabouts.IN_AREA if area or authority else "outside",
            suspect=suspect,
        )
        for _ in range(n)
    )
    answers = EqualityAnswers.objects.bulk_create(
        EqualityAnswers(response=response, **fields) for response in responses
    )
    for equality in answers:
        equality.groups.set(groups)
    return answers


def cell(table: Table, row: str, column: str):
    return table.shown(table.rows.index(row), table.columns.index(column))


@pytest.mark.django_db
def test_a_characteristic_by_policing_area_and_in_total(reference_data, django_assert_num_queries):
    consultation = ConsultationFactory()
    first, second = PolicingArea.objects.all()[:2]
    authority = LocalAuthority.objects.filter(policing_area=second).first()
    answer(consultation, 12, area=first, ethnicity="white")
    answer(consultation, 3, area=first, ethnicity="asian")
    answer(consultation, 2, area=first, ethnicity="prefer_not")
    answer(consultation, 4, area=first)  # not answered: counted nowhere
    answer(consultation, 15, area=second, ethnicity="white")
    answer(consultation, 5, authority=authority, ethnicity="white", suspect=True)
    answer(consultation, 10, ethnicity="white")  # outside the area
    answer(ConsultationFactory(), 30, area=first, ethnicity="black")  # another consultation

    with django_assert_num_queries(2):  # the areas, and one aggregate query of the answers
        table = characteristic_table(consultation, "ethnicity")

    assert table.rows[-1] == TOTAL
    assert table.columns[-2:] == (ELSEWHERE, TOTAL)
    assert "Prefer not to say" in table.rows
    white = "White"
    assert cell(table, white, first.name) == 12
    assert cell(table, white, second.name) == 20  # through the local authority's area
    assert cell(table, white, ELSEWHERE) == 10
    assert cell(table, white, TOTAL) == 42
    assert cell(table, TOTAL, first.name) == 17
    assert cell(table, TOTAL, TOTAL) == 47
    for row in ("Asian, Asian British or Asian Welsh", "Prefer not to say"):
        assert cell(table, row, first.name) is None
        assert cell(table, row, TOTAL) is None
    assert cell(table, "Black, Black British, Black Welsh, Caribbean or African", TOTAL) == 0

    without_suspect = characteristic_table(consultation, "ethnicity", include_suspect=False)
    assert cell(without_suspect, white, second.name) == 15


@pytest.mark.django_db
def test_the_groups_reached_by_policing_area(reference_data):
    consultation = ConsultationFactory()
    area = PolicingArea.objects.first()
    young = ReachedGroup.objects.create(name="People aged 16 to 19 (test)")
    rural = ReachedGroup.objects.create(name="Rural communities (test)")
    answer(consultation, 10, area=area, groups=[young, rural])
    answer(consultation, 11, area=area, groups=[rural])
    answer(consultation, 3, area=area)  # no group named

    table = characteristic_table(consultation, "groups")

    assert cell(table, young.name, area.name) == 10
    assert cell(table, rural.name, area.name) == 21
    assert cell(table, TOTAL, area.name) == 31  # groups named, not people


# --- Raw answers: named people only, and logged -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role.name for role in ROLES])
def test_no_role_holds_the_raw_answers(role):
    held = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    assert not held & {*RAW, "view_equalityanswers"}
    if role != "Administrator":
        assert "view_equalityaccess" not in held


def test_no_wildcard_reaches_a_permission_for_named_people():
    for patterns in (("*",), ("consultations.*",), ("consultations.view_*",)):
        role = Role("Example", "", patterns, staff=True)
        assert not matches(role, "consultations", "view_equality_answers")
        assert not matches(role, "consultations", "export_equality_answers")
    named = Role("Example", "", ("consultations.view_equality_answers",), staff=True)
    assert matches(named, "consultations", "view_equality_answers")
    assert not matches(named, "consultations", "export_equality_answers")
    assert matches(Role("Example", "", ("*",), staff=True), "consultations", "view_consultation")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Engagement officer", "Administrator"])
@pytest.mark.parametrize("action", [Action.VIEWED, Action.EXPORTED])
def test_a_role_alone_cannot_see_or_export_raw_answers(make_user, role, action):
    user = make_user(role)
    consultation = ConsultationFactory()
    assert not user.has_perm("consultations.view_equality_answers")
    assert not user.has_perm("consultations.export_equality_answers")
    with pytest.raises(PermissionDenied):
        raw_equality_answers(consultation=consultation, by=user, action=action)
    assert not EqualityAccess.objects.exists()


def named(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="consultations", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


@pytest.mark.django_db
def test_a_named_person_sees_the_raw_answers_and_it_is_logged(make_user):
    consultation = ConsultationFactory()
    answer(consultation, 2, sex="female")
    answer(ConsultationFactory(), 1, sex="male")
    person = named(make_user("Engagement officer"), "view_equality_answers")

    answers = raw_equality_answers(consultation=consultation, by=person, action=Action.VIEWED)

    assert [a.sex for a in answers] == ["female", "female"]
    access = EqualityAccess.objects.get()
    assert (access.user, access.consultation, access.action) == (
        person,
        consultation,
        Action.VIEWED,
    )
    # Seeing is not exporting: that is a permission of its own.
    with pytest.raises(PermissionDenied):
        raw_equality_answers(consultation=consultation, by=person, action=Action.EXPORTED)
    exporter = named(person, "export_equality_answers")
    raw_equality_answers(consultation=consultation, by=exporter, action=Action.EXPORTED)
    assert list(EqualityAccess.objects.values_list("action", flat=True)) == [
        Action.EXPORTED,
        Action.VIEWED,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Commissioner and Deputy", "Engagement officer", "Administrator"])
def test_the_admin_shows_raw_answers_to_no_role(client, signed_in_as, role):
    signed_in_as(role)
    answer(ConsultationFactory(), 1, sex="female")
    listing = reverse("admin:consultations_equalityanswers_changelist")
    assert client.get(listing).status_code == 403
    assert not EqualityAccess.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_raw_answers_to_a_named_person_and_logs_it(client, signed_in_as):
    person = named(signed_in_as("Commissioner and Deputy"), "view_equality_answers")
    consultation = ConsultationFactory()
    (equality,) = answer(consultation, 1, sex="female")

    listing = reverse("admin:consultations_equalityanswers_changelist")
    chosen = {"response__consultation__id__exact": consultation.pk}
    assert client.get(listing, chosen).status_code == 200
    record = reverse("admin:consultations_equalityanswers_change", args=[equality.pk])
    page = client.get(record)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]

    log = list(EqualityAccess.objects.values_list("user", "consultation", "action"))
    assert log == [(person.pk, consultation.pk, Action.VIEWED)] * 2
    # The log itself is the administrators' alone.
    assert client.get(reverse("admin:consultations_equalityaccess_changelist")).status_code == 403
