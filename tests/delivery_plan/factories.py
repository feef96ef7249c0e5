"""Factories for the delivery plan; each keeps related data consistent (a task's plan is its
action's), and helpers that make the people who work on a plan."""

from datetime import date, datetime, time

import factory
from django.utils import timezone

from delivery_plan import services
from delivery_plan.models import Action, Milestone, Plan, Task
from tests.engagement.factories import ActivityAreaFactory, StaffMemberFactory

# The fixed day the tests stand on, so suggestions and staleness never depend on the calendar.
TODAY = date(2026, 6, 15)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Community Engagement Strategy delivery plan {n}")
    slug = factory.Sequence(lambda n: f"engagement-plan-{n}")
    period_start = date(2026, 4, 1)
    period_end = date(2028, 3, 31)
    is_current = True


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    activity_area = factory.SubFactory(ActivityAreaFactory, number=1, name="Strong voice")
    reference = "1"
    position = factory.Sequence(lambda n: n + 1)
    commitment = factory.Sequence(lambda n: f"Keep people informed about the office's work {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    """A task added at the start of the plan's period (so it is not new on TODAY); pass
    leads=[...] for its leads."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    action = factory.SubFactory(ActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    summary = factory.Sequence(lambda n: f"Produce the newsletter {n}")
    milestones_text = "Ongoing"
    created_at = factory.LazyFunction(lambda: _aware(date(2026, 1, 5)))

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.leads.set(extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    task = factory.SubFactory(TaskFactory)
    due_on = date(2026, 6, 30)
    description = factory.Sequence(lambda n: f"Milestone {n}")


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


def lead_user(make_user, *, role: str | None = "Engagement officer", **staff):
    """A person who works for the office, with a staff record that can lead tasks."""
    user = make_user(role) if role else make_user()
    member = StaffMemberFactory(user=user, **staff)
    return user, member


def every_delivery_plan_record(*, by):
    """One record of each delivery plan model, made as the office makes them (a status through
    its service, a report issued by `by`, who may issue one): for the tests that open every
    admin page. Returns the task."""
    task = TaskFactory(leads=[StaffMemberFactory()])
    MilestoneFactory(task=task)
    services.write_rag_update(task=task, status="green", comment="On track", on=TODAY)
    services.issue_report(plan=task.action.plan, by=by)
    return task
