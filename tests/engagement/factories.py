"""Factories for engagement records; each keeps related data consistent (a contact's area is its
ambassador's area unless told otherwise)."""

import factory
from django.utils import timezone

from engagement.models import (
    ActivityArea,
    Ambassador,
    Contact,
    EngagementLevel,
    Organisation,
    ReachedGroup,
)
from pcc_portal.services import set_roles
from tests.pcc_portal.factories import PolicingAreaFactory, UserFactory


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
# Imported here rather than at the top so this section can be added without touching the rest.
from datetime import date, datetime, time, timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from engagement.models import Event, StandingMeeting  # noqa: E402
from pcc_portal.models import StaffMember  # noqa: E402


def next_week_evening() -> datetime:
    """6:30pm London time, a week from today."""
    day = timezone.localdate() + timedelta(days=7)
    return datetime.combine(day, time(18, 30), tzinfo=ZoneInfo("Europe/London"))


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = factory.Faker("name", locale="en_GB")
    initials = factory.LazyAttribute(lambda o: "".join(part[0] for part in o.name.split()[:2]))
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
