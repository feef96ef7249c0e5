"""Who may do what: a performance officer keeps the plan and updates any task, a lead updates
the tasks they lead, the office holder and deputy read; nobody updates a historic plan. The same
rules answer the services, the querysets and the admin."""

import pytest
from django.contrib.admin import site
from django.test import RequestFactory

from delivery_plan import rules
from delivery_plan.models import Plan, RagUpdate, Task
from pcc_portal.roles import ROLES
from tests.delivery_plan.factories import PlanFactory, TaskFactory, lead_user

pytestmark = pytest.mark.django_db

PAGE_RULES = (rules.SEE_PLANS, rules.MANAGE_PLANS, rules.IMPORT_PLAN, rules.ISSUE_REPORT)
EXPECTED = {
    "Administrator": {*PAGE_RULES},
    "Performance officer": {*PAGE_RULES},
    "Commissioner and Deputy": {rules.SEE_PLANS},
}


@pytest.mark.parametrize("role", [role.name for role in ROLES])
def test_what_each_role_may_do_with_the_plan(make_user, role):
    user = make_user(role)
    task = TaskFactory()
    granted = {rule for rule in PAGE_RULES if user.has_perm(rule)}
    assert granted == EXPECTED.get(role, set())
    may_update = role in ("Administrator", "Performance officer")
    assert user.has_perm(rules.UPDATE_TASK, task) is may_update
    assert user.has_perm(rules.VIEW_TASK, task) is (role in EXPECTED)
    assert (task in Task.objects.visible_to(user)) is (role in EXPECTED)


def test_the_history_and_issued_reports_are_not_rewritten_by_role(make_user):
    officer = make_user("Performance officer")
    assert officer.has_perm("delivery_plan.add_ragupdate")
    assert not officer.has_perm("delivery_plan.change_ragupdate")
    assert not officer.has_perm("delivery_plan.delete_ragupdate")
    assert not officer.has_perm("delivery_plan.change_reportsnapshot")
    commissioner = make_user("Commissioner and Deputy")
    assert commissioner.has_perm("delivery_plan.view_task")
    assert not commissioner.has_perm("delivery_plan.add_ragupdate")


def test_a_lead_updates_the_tasks_they_lead_and_no_others(make_user, lead, task):
    user, _ = lead
    other = TaskFactory()
    assert user.has_perm(rules.UPDATE_TASK, task)
    assert user.has_perm(rules.VIEW_TASK, task)
    assert not user.has_perm(rules.UPDATE_TASK, other)
    assert not user.has_perm(rules.VIEW_TASK, other)
    assert user.has_perm(rules.OPEN_OWN_TASKS)
    assert not user.has_perm(rules.SEE_PLANS)
    assert list(Task.objects.visible_to(user)) == [task]
    # A milestone or an update of the task is asked about as the task.
    assert user.has_perm(rules.UPDATE_TASK, RagUpdate(task=task))


def test_a_lead_in_any_role_and_a_lead_who_does_not_work_for_the_office(make_user):
    grants_lead, grants_member = lead_user(make_user, role="Grants officer", name="Glyn Edwards")
    outsider, outsider_member = lead_user(make_user, role=None, name="Chris Jensen")
    task = TaskFactory(leads=[grants_member, outsider_member])
    assert grants_lead.has_perm(rules.UPDATE_TASK, task)
    assert not outsider.has_perm(rules.UPDATE_TASK, task)
    assert not outsider.has_perm(rules.OPEN_OWN_TASKS)
    outsider.is_active = False
    grants_lead.is_active = False
    assert not grants_lead.has_perm(rules.UPDATE_TASK, task)


def test_a_lead_without_current_tasks_has_no_list_of_their_own(make_user):
    user, member = lead_user(make_user)
    TaskFactory(leads=[member], action__plan=PlanFactory(is_current=False))
    assert not user.has_perm(rules.OPEN_OWN_TASKS)


def test_nobody_updates_a_historic_plan(make_user, lead):
    user, member = lead
    task = TaskFactory(leads=[member], action__plan=PlanFactory(is_current=False))
    for person in (user, make_user("Performance officer"), make_user("Administrator")):
        assert not person.has_perm(rules.UPDATE_TASK, task)
    assert make_user("Performance officer").has_perm(rules.VIEW_TASK, task)


def test_the_public_sees_and_does_nothing(task):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not anonymous.has_perm(rules.UPDATE_TASK, task)
    assert not anonymous.has_perm(rules.SEE_PLANS)
    assert not Task.objects.visible_to(anonymous).exists()


def request_by(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_admin_asks_the_same_rules(make_user, lead, task):
    task_admin, plan_admin = site._registry[Task], site._registry[Plan]
    officer = request_by(make_user("Performance officer"))
    commissioner = request_by(make_user("Commissioner and Deputy"))
    leader = request_by(lead[0])
    assert task_admin.has_change_permission(officer, task)
    assert not task_admin.has_change_permission(commissioner, task)
    assert task_admin.has_view_permission(commissioner, task)
    assert plan_admin.has_change_permission(officer, task.action.plan)
    assert not plan_admin.has_change_permission(commissioner, task.action.plan)
    # A lead reads their task there; its wording is the performance officers' to change.
    assert task_admin.has_view_permission(leader, task)
    assert not task_admin.has_change_permission(leader, task)
    TaskFactory()
    assert list(task_admin.get_queryset(leader)) == [task]
    assert task_admin.get_queryset(officer).count() == 2
