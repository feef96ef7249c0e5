"""The engagement calendar: the public list of events and its iCalendar feed, the staff view
with the schedule of standing meetings, and each person's private feed (decision 13)."""

from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pcc_portal.calendar_feeds import issue_calendar_feed, open_calendar_feed
from pcc_portal.models import CalendarFeed, OfficeProfile, PolicingArea
from pcc_portal.public_cache import OFFICE, cached_for_visitors, office_profile, remember

from .. import ical
from ..calendar_text import LONDON, WHOLE_FORCE_AREA, describe_when, who_attends
from ..models import Event, StandingMeeting
from ..rules import ADD_EVENTS, CHANGE_EVENT_RECORD, OPEN_STAFF_CALENDAR, SEE_INTERNAL_EVENTS
from ..signals import EVENTS
from .access import rule_required

EVENTS_PER_PAGE = 30
CALENDAR_FEED_NAME = "Calendar feed"


# --- Selecting events -------------------------------------------------------------------------


def _prepare(events, office: OfficeProfile) -> list[Event]:
    """Attach the plain-English date and attendees each template and feed shows."""
    events = list(events)
    now = timezone.now()
    for event in events:
        event.when = describe_when(event.starts_at, event.ends_at)
        event.has_ended = event.ends_at < now
        event.attending = who_attends(event, office)
        event.area_name = event.policing_area.name if event.policing_area_id else WHOLE_FORCE_AREA
    return events


def _by_month(events: list[Event]) -> list[tuple[str, list[Event]]]:
    def month(event):
        return timezone.localtime(event.starts_at, LONDON).strftime("%B %Y")

    return [(label, list(rows)) for label, rows in groupby(events, key=month)]


def _listing(request, area, sees_internal: bool):
    """One page of upcoming events, prepared (dates in words, who attends). The rows are the
    same for everyone who sees the same events, so they are cached until an event, a person
    attending or the office changes (or the clock moves them on); the page is rebuilt from the
    count without touching the database."""
    number = request.GET.get("page", "1")
    number = number if number.isdigit() and len(number) <= 6 else "1"

    def prepare():
        events = Event.objects.visible_to(request.user).upcoming().order_by("starts_at", "pk")
        if area is not None:
            events = events.filter(Q(policing_area=area) | Q(policing_area__isnull=True))
        page = Paginator(events.with_people(), EVENTS_PER_PAGE).get_page(number)
        return page.paginator.count, page.number, _prepare(page.object_list, office_profile())

    seen = "all" if sees_internal else "public"
    name = f"event_rows:{seen}:{area.pk if area else ''}:{number}"
    count, number, rows = remember(name, [EVENTS, OFFICE], prepare)
    return Paginator(range(count), EVENTS_PER_PAGE).get_page(number), rows


# --- Public pages -----------------------------------------------------------------------------


@require_GET
@cached_for_visitors(EVENTS, query=("area", "page"))
def event_list(request):
    """Upcoming events, by month, optionally for one policing area (plus force-wide ones)."""
    areas = list(PolicingArea.objects.all())
    slug = request.GET.get("area", "")
    # An unknown or stale slug (a bookmarked area since renamed) shows everything, not an error.
    area = next((a for a in areas if a.slug == slug), None)
    sees_internal = request.user.has_perm(SEE_INTERNAL_EVENTS)
    page, rows = _listing(request, area, sees_internal)
    return render(
        request,
        "engagement/calendar/event_list.html",
        {
            "areas": areas,
            "area": area,
            "page": page,
            "months": _by_month(rows),
            "feed_url": request.build_absolute_uri(reverse("engagement:public_feed")),
            "sees_internal": sees_internal,
        },
    )


@require_GET
@cached_for_visitors(EVENTS)
def event_detail(request, uid):
    """One event; an internal one is not found for anyone who may not see it."""
    office = office_profile()
    event = get_object_or_404(Event.objects.visible_to(request.user).with_people(), uid=uid)
    (event,) = _prepare([event], office)
    return render(
        request,
        "engagement/calendar/event_detail.html",
        {"event": event, "feed_url": request.build_absolute_uri(reverse("engagement:public_feed"))},
    )


# --- iCalendar feeds (RFC 5545) ---------------------------------------------------------------


def _feed_events(events, office):
    since = timezone.now() - timedelta(days=ical.FEED_PAST_DAYS)
    return _prepare(events.upcoming(since).order_by("starts_at", "pk").with_people(), office)


def _event_url(request, event: Event) -> str:
    return request.build_absolute_uri(reverse("engagement:event_detail", args=[event.uid]))


def _ics_response(calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@cached_for_visitors(EVENTS)
def public_feed(request):
    """/events.ics: public events, upcoming and of the last 90 days. Never an internal one."""
    office = office_profile()
    stamp, host = timezone.now().astimezone(ical.UTC), request.get_host()
    calendar = ical.build_calendar(
        f"{office.office_name}: events", f"Public events of the {office.office_name}"
    )
    for event in _feed_events(Event.objects.public(), office):
        calendar.add_component(
            ical.event_entry(
                event, url=_event_url(request, event), host=host, stamp=stamp, internal=False
            )
        )
    response = _ics_response(calendar, "events.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def private_feed(request, key):
    """A member of staff's secret feed: every event, internal ones too, and the standing
    meetings that have a recurrence rule. Only a feed's own secret opens it, never a device
    token (decision 13); revoking the feed (on the account page) ends it."""
    feed: CalendarFeed | None = open_calendar_feed(key)
    # One answer for every failure, so the URL reveals nothing about why it does not work.
    if feed is None or not feed.user.has_perm(SEE_INTERNAL_EVENTS):
        raise Http404("No such calendar")
    office = OfficeProfile.objects.get_current()
    stamp, host = timezone.now().astimezone(ical.UTC), request.get_host()
    calendar = ical.build_calendar(
        f"{office.office_name}: engagement (staff)",
        f"Events and standing meetings of the {office.office_name}, internal ones included",
    )
    for event in _feed_events(Event.objects.all(), office):
        calendar.add_component(
            ical.event_entry(
                event,
                url=_event_url(request, event),
                host=host,
                stamp=stamp,
                internal=not event.is_public,
            )
        )
    meetings = StandingMeeting.objects.exclude(recurrence="").filter(first_meeting_on__isnull=False)
    for meeting in meetings:
        calendar.add_component(ical.meeting_entry(meeting, host=host, stamp=stamp))
    response = _ics_response(calendar, "engagement.ics")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Staff page -------------------------------------------------------------------------------


def _meetings_by_category(today) -> list[tuple[str, str, list[StandingMeeting]]]:
    """The schedule in the categories' own order, each meeting's frequency in plain English
    and, for a regular one, the date of its next meeting."""
    meetings = list(StandingMeeting.objects.all())
    groups = []
    for value, label in StandingMeeting.Category.choices:
        rows = [m for m in meetings if m.category == value]
        for meeting in rows:
            meeting.next_on = meeting.next_meeting_on(today)
        if rows:
            groups.append((value, label, rows))
    return groups


@require_http_methods(["GET", "POST"])
@rule_required(OPEN_STAFF_CALENDAR)
def staff_calendar(request):
    """Upcoming events (internal ones too), the schedule of standing meetings, and a private
    feed link for the person's own calendar app, shown once."""
    office = OfficeProfile.objects.get_current()
    feed_url = feed_error = None
    status = 200
    if request.method == "POST":
        try:
            _, key = issue_calendar_feed(
                user=request.user, name=CALENDAR_FEED_NAME, verified=request.user.is_verified()
            )
        except ValidationError as error:
            feed_error = error.messages[0]
            status = 400
        else:
            feed_url = request.build_absolute_uri(reverse("engagement:private_feed", args=[key]))
            messages.success(request, "Calendar feed link issued. Copy it now: it is shown once.")
    events = Event.objects.visible_to(request.user).upcoming().order_by("starts_at", "pk")
    page = Paginator(events.with_people(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    feeds = CalendarFeed.objects.for_user(request.user).active()
    rows = _prepare(page.object_list, office)
    for event in rows:
        event.can_change = request.user.has_perm(CHANGE_EVENT_RECORD, event)
    response = render(
        request,
        "engagement/calendar/staff_calendar.html",
        {
            "page": page,
            "events": rows,
            "can_add_events": request.user.has_perm(ADD_EVENTS),
            "can_change_events": any(event.can_change for event in rows),
            "meeting_groups": _meetings_by_category(timezone.localdate()),
            "feed_url": feed_url,
            "feed_error": feed_error,
            "active_feeds": feeds.count(),
        },
        status=status,
    )
    # The page may carry a secret link: keep it out of every cache and the back button's copy.
    response["Cache-Control"] = "no-store"
    return response
