"""Who sees and does what: an applicant only their own applications; staff what is sent to the
office, by role; the admin asking the same rules and acting through the services."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grants import rules
from grants.admin import ApplicationAdmin
from grants.models import Application, Score
from grants.role_permissions import ROLE_PERMISSIONS
from grants.workflow import ApplicationStatus as S
from grants.workflow import RoundStatus
from pcc_portal.roles import ROLES_BY_NAME, matches
from tests.grants import factories as f

pytestmark = pytest.mark.django_db


def visible(user) -> set[int]:
    return set(Application.objects.visible_to(user).values_list("pk", flat=True))


def test_an_applicant_sees_only_their_own_applications(people):
    mine = f.ApplicationFactory()
    sent_mine = f.submitted(people, applicant=mine.applicant)
    theirs = f.submitted(people)
    applicant = mine.applicant
    assert visible(applicant) == {mine.pk, sent_mine.pk}
    assert applicant.has_perm(rules.VIEW_APPLICATION, mine)
    assert not applicant.has_perm(rules.VIEW_APPLICATION, theirs)
    assert visible(theirs.applicant) == {theirs.pk}


@pytest.mark.parametrize("who", ["officer", "assessor", "commissioner"])
def test_staff_see_what_was_sent_but_not_an_applicants_draft(people, who):
    draft = f.ApplicationFactory()
    sent = f.submitted(people)
    person = getattr(people, who)
    assert visible(person) == {sent.pk}
    assert person.has_perm(rules.VIEW_APPLICATION, sent)
    assert not person.has_perm(rules.VIEW_APPLICATION, draft)


def test_the_public_and_other_staff_see_none(people, make_user):
    f.submitted(people)
    assert visible(AnonymousUser()) == set()
    assert visible(make_user("Engagement officer")) == set()
    assert visible(make_user("Ambassador")) == set()


def test_the_roles_hold_what_their_work_needs():
    officer, assessor, commissioner, applicant = (
        ROLES_BY_NAME[name]
        for name in ("Grants officer", "Grant assessor", "Commissioner and Deputy", "Applicant")
    )
    assert matches(officer, "grants", "change_application")
    assert not matches(officer, "grants", "add_score")
    assert matches(assessor, "grants", "add_score")
    assert not matches(assessor, "grants", "view_award")
    assert not matches(assessor, "grants", "change_application")
    assert matches(commissioner, "grants", "view_award")
    assert not matches(commissioner, "grants", "change_award")
    assert not any(matches(applicant, "grants", p) for p in ("view_application", "add_application"))
    assert ROLE_PERMISSIONS["Applicant"] == ()


def test_the_commissioner_decides_by_role_and_an_officer_by_recording(people, make_user):
    application = f.recommended(people)
    assert people.commissioner.has_perm("grants.decide_application", application)
    assert people.officer.has_perm("grants.decide_application", application)
    assert not people.assessor.has_perm("grants.decide_application", application)
    assert not make_user("Staff officer").has_perm("grants.decide_application", application)


def test_moves_for_lists_only_what_the_person_may_do(people):
    application = f.recommended(people)
    officer_moves = {m.target for m in rules.moves_for(people.officer, application)}
    assert officer_moves == {S.APPROVED, S.DECLINED, S.WITHDRAWN}
    assert {m.target for m in rules.moves_for(application.applicant, application)} == {S.WITHDRAWN}
    assert rules.moves_for(people.assessor, application) == []


# --- The admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("Grants officer", 200),
        ("Grant assessor", 200),
        ("Commissioner and Deputy", 200),
        ("Engagement officer", 403),
        ("Applicant", 403),
    ],
)
def test_the_admin_lists_applications_by_role(client, make_user, sign_in, people, role, status):
    f.submitted(people)
    sign_in(make_user(role))
    assert client.get("/admin/grants/application/").status_code == status


def test_the_admin_lists_what_the_rules_let_a_person_see(rf, people):
    draft = f.ApplicationFactory()
    sent = f.submitted(people)
    request = rf.get("/admin/grants/application/")
    request.user = people.officer
    shown = ApplicationAdmin(Application, site).get_queryset(request)
    assert list(shown.values_list("pk", flat=True)) == [sent.pk]
    assert draft.pk not in shown.values_list("pk", flat=True)


def test_an_application_is_read_in_the_admin_and_moved_by_its_actions(client, sign_in, people):
    application = f.submitted(people)
    sign_in(people.officer)
    page = client.get(f"/admin/grants/application/{application.pk}/change/")
    assert page.status_code == 200
    assert 'name="project_title"' not in page.content.decode()
    response = client.post(
        "/admin/grants/application/",
        {"action": "mark_eligible", "_selected_action": [application.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.ELIGIBLE
    assert application.transitions.last().by == people.officer


def test_an_admin_action_refused_by_the_rules_says_why(client, sign_in, people):
    application = f.submitted(people)
    sign_in(people.assessor)
    response = client.post(
        "/admin/grants/application/",
        {"action": "mark_eligible", "_selected_action": [application.pk]},
        follow=True,
    )
    assert "You cannot move this application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_scores_are_seen_by_assessors_and_not_by_other_staff(client, make_user, sign_in, people):
    f.assessed(people)
    assert Score.objects.exists()
    sign_in(people.assessor)
    assert client.get("/admin/grants/score/").status_code == 200
    sign_in(make_user("Engagement officer"))
    assert client.get("/admin/grants/score/").status_code == 403


def test_a_round_is_published_through_its_action_once_it_has_criteria(client, sign_in, people):
    grant_round = f.GrantRoundFactory(status=RoundStatus.DRAFT)
    sign_in(people.officer)
    action = {"action": "publish", "_selected_action": [grant_round.pk]}
    page = client.post("/admin/grants/grantround/", action, follow=True).content.decode()
    assert "Add at least one assessment criterion before publishing" in page
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.DRAFT
    f.CriterionFactory(round=grant_round)
    client.post("/admin/grants/grantround/", action)
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.PUBLISHED
    assert grant_round.history.first().history_user == people.officer


def test_an_assessor_cannot_change_a_round(client, sign_in, people):
    grant_round = f.GrantRoundFactory(opens_at=timezone.now() + timedelta(days=1))
    sign_in(people.assessor)
    page = client.get(f"/admin/grants/grantround/{grant_round.pk}/change/")
    assert page.status_code == 200
    assert 'name="budget"' not in page.content.decode()
