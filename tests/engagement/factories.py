"""Factories for engagement records; each keeps related data consistent (a contact's area is its
ambassador's area unless told otherwise)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from engagement.models import (
    ActivityArea,
    Ambassador,
    CharterPrinciple,
    Contact,
    ContactVolunteer,
    EngagementLevel,
    Event,
    Network,
    Organisation,
    RaisedIssue,
    ReachedGroup,
    StandingMeeting,
    WorkPlan,
    WorkPlanFocus,
)
from pcc_portal.models import StaffMember
from pcc_portal.services import set_roles
from tests.pcc_portal.factories import PolicingAreaFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


class ActivityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityArea
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Activity area {n + 1}")


class EngagementLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementLevel
        django_get_or_create = ("name",)

    name = "Consult"
    position = 2
    aim = "To obtain feedback on ideas, options or decisions"
    commitment = "Listen and provide feedback"
    ways_to_engage = "Surveys\nMeetings"


class ReachedGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReachedGroup

    name = factory.Sequence(lambda n: f"Group {n}")


class AmbassadorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ambassador
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    policing_area = factory.SubFactory(PolicingAreaFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            set_roles(user=self.user, roles=["Ambassador"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community group {n}")
    kind = Organisation.Kind.FAITH_COMMUNITY_GROUP

    @factory.post_generation
    def policing_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.policing_areas.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    ambassador = factory.SubFactory(AmbassadorFactory)
    occurred_on = factory.LazyFunction(timezone.localdate)
    policing_area = factory.SelfAttribute("ambassador.policing_area")
    who = "Residents at a street surgery"
    people_reached = 10
    method = Contact.Method.STREET
    engagement_level = factory.SubFactory(EngagementLevelFactory)

    @factory.post_generation
    def activity_areas(self, create, extracted, **kwargs):
        if create:
            self.activity_areas.set(extracted or [ActivityAreaFactory(number=1)])

    @factory.post_generation
    def groups_reached(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups_reached.set(extracted)


# --- The calendar: events, standing meetings and the officers who attend --------------------


def next_week_evening() -> datetime:
    """6:30pm London time, a week from today."""
    day = timezone.localdate() + timedelta(days=7)
    return datetime.combine(day, time(18, 30), tzinfo=LONDON)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = factory.Faker("name", locale="en_GB")
    # Initials are unique where set (decision 7): two random names often share theirs, so the
    # number keeps each made here apart.
    initials = factory.LazyAttributeSequence(
        lambda o, n: "".join(part[0] for part in o.name.split()[:2]) + str(n)
    )
    job_title = "Engagement officer"


class EventFactory(factory.django.DjangoModelFactory):
    """A public event a week from now, 6:30pm to 8:30pm, for the whole force area. Pass
    policing_area, is_public=False, ambassadors=[...] or officers=[...] as a test needs."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Public meeting {n}")
    kind = Event.Kind.PUBLIC_MEETING
    starts_at = factory.LazyFunction(next_week_evening)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    venue = factory.Sequence(lambda n: f"Community centre {n}")
    policing_area = None
    description = "Come and tell us what matters to you."

    @factory.post_generation
    def ambassadors(self, create, extracted, **kwargs):
        if create and extracted:
            self.ambassadors.set(extracted)

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create and extracted:
            self.officers.set(extracted)


class StandingMeetingFactory(factory.django.DjangoModelFactory):
    """A bi-monthly public accountability meeting counted from 15 January 2026."""

    class Meta:
        model = StandingMeeting

    name = factory.Sequence(lambda n: f"Standing meeting {n}")
    category = StandingMeeting.Category.PUBLIC_ACCOUNTABILITY
    chair = "Chair: the council leader"
    frequency = "Bi-monthly"
    recurrence = "FREQ=MONTHLY;INTERVAL=2"
    first_meeting_on = date(2026, 1, 15)
    opcc_attendance = "Deputy"
    opcc_lead = "Policy officer"
    position = factory.Sequence(int)


# --- The rest of the engagement records, one factory each ------------------------------------


class CharterPrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterPrinciple

    title = factory.Sequence(lambda n: f"I will keep promise {n}")
    commitment = "We say what we will do and report back."
    position = factory.Sequence(int)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Parish council association {n}")


class ContactVolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactVolunteer

    name = factory.Faker("name", locale="en_GB")
    policing_area = factory.SubFactory(PolicingAreaFactory)
    consent_given_on = factory.LazyFunction(timezone.localdate)


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    ambassador = factory.SubFactory(AmbassadorFactory)
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class WorkPlanFocusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlanFocus

    work_plan = factory.SubFactory(WorkPlanFactory)
    text = "Meet every parish council"
    activity_area = factory.SubFactory(ActivityAreaFactory)


class RaisedIssueFactory(factory.django.DjangoModelFactory):
    """An open issue raised from a contact by its ambassador, through the service that the
    form, the API and the demo data use."""

    class Meta:
        model = RaisedIssue

    contact = factory.SubFactory(ContactFactory)
    summary = factory.Sequence(lambda n: f"Speeding past school number {n}")

    @classmethod
    def _create(cls, model_class, *args, contact, summary, **kwargs):
        from engagement.services import raise_issue

        return raise_issue(contact=contact, summary=summary, by=contact.ambassador.user)
