"""Adding and changing the calendar's events. The staff pages call these; the admin asks the same
rules (engagement.add_events, engagement.change_event_record) and the model's own checks."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pcc_portal.models import PolicingArea, StaffMember, User

from . import rules
from .models import ActivityArea, Ambassador, Event

CANNOT_ADD_EVENTS = "You cannot add events"
CANNOT_CHANGE_EVENT = "You cannot change this event"


@dataclass(frozen=True, kw_only=True)
class EventDetails:
    """Everything a person says about one event: what the add and change pages give."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    is_public: bool
    venue: str = ""
    policing_area: PolicingArea | None = None  # None: the whole force area
    holder_attends: bool = False
    deputy_attends: bool = False
    ambassadors: Sequence[Ambassador] = ()
    officers: Sequence[StaffMember] = ()
    activity_areas: Sequence[ActivityArea] = ()
    description: str = ""
    booking_url: str = ""

    def __post_init__(self):
        # Querysets arrive from forms: keep a fixed copy.
        object.__setattr__(self, "ambassadors", tuple(self.ambassadors))
        object.__setattr__(self, "officers", tuple(self.officers))
        object.__setattr__(self, "activity_areas", tuple(self.activity_areas))

    @classmethod
    def from_input(cls, values) -> "EventDetails":
        """The details in a form's cleaned_data (other keys are the caller's)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    @classmethod
    def of(cls, event: Event) -> "EventDetails":
        """The event as it stands."""
        values = {f.name: getattr(event, f.name) for f in fields(cls)}
        values["ambassadors"] = event.ambassadors.all()
        values["officers"] = event.officers.all()
        values["activity_areas"] = event.activity_areas.all()
        return cls(**values)


def _write(event: Event, details: EventDetails) -> Event:
    for field in fields(EventDetails):
        if field.name not in ("ambassadors", "officers", "activity_areas"):
            setattr(event, field.name, getattr(details, field.name))
    event.full_clean()
    event.save()
    event.ambassadors.set(details.ambassadors)
    event.officers.set(details.officers)
    event.activity_areas.set(details.activity_areas)
    return event


def add_event(*, details: EventDetails, by: User) -> Event:
    """Add an event to the calendar, with who attends; a public one shows on the public calendar
    and its feed at once (their cache follows Event saves).

    Raises PermissionDenied for someone the rule engagement.add_events refuses, and
    ValidationError, with each field's message, for details the model refuses (an end before the
    start, text over its limit); nothing is stored then.
    """
    if not by.has_perm(rules.ADD_EVENTS):
        raise PermissionDenied(CANNOT_ADD_EVENTS)
    with transaction.atomic():
        return _write(Event(), details)


def change_event(*, event: Event, details: EventDetails, by: User) -> Event:
    """Change an event's details and who attends. Its uid stays, so calendars that hold it (the
    feeds, an "Add to my calendar" download) update the same entry.

    Raises PermissionDenied for someone the rule engagement.change_event_record refuses for this
    event, and ValidationError as add_event does; nothing is changed then.
    """
    if not by.has_perm(rules.CHANGE_EVENT_RECORD, event):
        raise PermissionDenied(CANNOT_CHANGE_EVENT)
    with transaction.atomic():
        # A fresh copy, so a refused change leaves the caller's object as it was.
        current = Event.objects.select_for_update().get(pk=event.pk)
        return _write(current, details)
