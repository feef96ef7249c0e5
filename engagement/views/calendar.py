"""The engagement calendar: the public list of events and its iCalendar feed, the staff view
with the schedule of standing meetings, and each person's private feed (decision 13)."""

from datetime import datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from icalendar.prop import vRecur

from pcc_portal.models import DeviceToken, OfficeProfile, PolicingArea
from pcc_portal.services import authenticate_device_token, issue_device_token

from ..models import Ambassador, Event, StandingMeeting
from ..recurrence import occurrences, validate_rrule
from .access import staff_permission_required

# The office works in UK time whatever the server's zone; feeds carry UTC, pages London time.
LONDON = ZoneInfo("Europe/London")
EVENTS_PER_PAGE = 30
# Subscribers keep seeing what happened recently (a meeting they went to last month), not the
# whole archive: a feed that grows for ever makes every calendar app slower to refresh it.
FEED_PAST_DAYS = 90
FEED_REFRESH = timedelta(hours=6)  # keep X-PUBLISHED-TTL below in step
PRODID = "-//Engagement Portal//Engagement calendar//EN"
CALENDAR_FEED_NAME = "Calendar feed"
VIEW_EVENT = "engagement.view_event"
WHOLE_FORCE_AREA = "Whole force area"

WEEKDAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


# --- Plain-English helpers --------------------------------------------------------------------


def format_time(moment: datetime) -> str:
    """GOV.UK style: 10am, 6:30pm, midday, midnight."""
    if moment.minute == 0 and moment.hour == 12:
        return "midday"
    if moment.minute == 0 and moment.hour == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def format_day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def describe_when(starts_at: datetime, ends_at: datetime) -> str:
    """ "Tuesday 1 December 2026, 6:30pm to 8:30pm" in London time."""
    start, end = timezone.localtime(starts_at, LONDON), timezone.localtime(ends_at, LONDON)
    if start.date() == end.date():
        if start == end:
            return f"{format_day(start)}, {format_time(start)}"
        return f"{format_day(start)}, {format_time(start)} to {format_time(end)}"
    return f"{format_day(start)}, {format_time(start)} to {format_day(end)}, {format_time(end)}"


def describe_recurrence(rule: str) -> str:
    """A recurrence rule in plain English: FREQ=MONTHLY;INTERVAL=2 is "Every 2 months".

    Covers what a schedule of meetings uses (frequency, interval, weekday, ordinal weekday,
    months, count, end date); returns "" for an empty or invalid rule so the caller can fall
    back to the frequency as written.
    """
    if not rule:
        return ""
    try:
        validate_rrule(rule)
        parts = dict(part.split("=", 1) for part in rule.upper().split(";") if part)
    except (ValidationError, ValueError):
        return ""
    unit = UNITS.get(parts.get("FREQ", ""))
    if unit is None:
        return ""
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return ""
    text = f"Every {interval} {unit}s" if interval > 1 else f"Every {unit}"
    if days := parts.get("BYDAY"):
        names = []
        for day in days.split(","):
            ordinal, code = day[:-2], day[-2:]
            name = WEEKDAYS.get(code, code)
            if ordinal:
                try:
                    position = int(ordinal)
                except ValueError:
                    return ""
                name = f"the {ORDINALS.get(position, f'number {position}')} {name}"
            names.append(name)
        text += " on " + _and_join(names)
    if months := parts.get("BYMONTH"):
        try:
            text += " in " + _and_join([MONTHS[int(m) - 1] for m in months.split(",")])
        except (ValueError, IndexError):
            return ""
    if count := parts.get("COUNT"):
        text += f", {count} times"
    if until := parts.get("UNTIL"):
        try:
            end = datetime.strptime(until[:8], "%Y%m%d")
        except ValueError:
            return ""
        text += f", until {end.day} {end:%B %Y}"
    return text


def _and_join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def who_attends(event: Event, office: OfficeProfile) -> list[str]:
    """Who from the office attends, in the office's own titles (never written into code)."""
    people = []
    if event.holder_attends:
        people.append(_titled(office.holder_title or "Commissioner", office.holder_name))
    if event.deputy_attends:
        people.append(_titled(office.deputy_title or "Deputy", office.deputy_name))
    for ambassador in event.ambassadors.all():
        remit = (
            f"community ambassador for {ambassador.policing_area}"
            if ambassador.policing_area_id
            else "community ambassador"
        )
        # Never fall back to the email address: this list is shown to the public.
        people.append(
            _titled(ambassador.user.full_name, remit)
            if ambassador.user.full_name
            else remit[0].upper() + remit[1:]
        )
    for officer in event.officers.all():
        people.append(f"{officer.name}, {officer.job_title}" if officer.job_title else officer.name)
    return people


def _titled(title: str, name: str) -> str:
    return f"{title}, {name}" if name else title


# --- Selecting events -------------------------------------------------------------------------


def _with_people(events):
    """Everything an event's listing shows, in a fixed number of queries whatever the rows."""
    return events.select_related("policing_area").prefetch_related(
        Prefetch(
            "ambassadors", queryset=Ambassador.objects.select_related("user", "policing_area")
        ),
        "officers",
    )


def _prepare(events, office: OfficeProfile) -> list[Event]:
    """Attach the plain-English date and attendees each template and feed shows."""
    events = list(events)
    for event in events:
        event.when = describe_when(event.starts_at, event.ends_at)
        event.attending = who_attends(event, office)
        event.area_name = event.policing_area.name if event.policing_area_id else WHOLE_FORCE_AREA
    return events


def _by_month(events: list[Event]) -> list[tuple[str, list[Event]]]:
    def month(event):
        return timezone.localtime(event.starts_at, LONDON).strftime("%B %Y")

    return [(label, list(rows)) for label, rows in groupby(events, key=month)]


def _can_see_internal(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm(VIEW_EVENT)


# --- Public pages -----------------------------------------------------------------------------


@require_GET
def event_list(request):
    """Upcoming events, by month, optionally for one policing area (plus force-wide ones)."""
    office = OfficeProfile.objects.get_current()
    areas = list(PolicingArea.objects.all())
    slug = request.GET.get("area", "")
    # An unknown or stale slug (a bookmarked area since renamed) shows everything, not an error.
    area = next((a for a in areas if a.slug == slug), None)
    events = Event.objects.visible_to(request.user).upcoming().order_by("starts_at", "pk")
    if area is not None:
        events = events.filter(Q(policing_area=area) | Q(policing_area__isnull=True))
    page = Paginator(_with_people(events), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = _prepare(page.object_list, office)
    return render(
        request,
        "engagement/calendar/event_list.html",
        {
            "areas": areas,
            "area": area,
            "page": page,
            "months": _by_month(rows),
            "feed_url": request.build_absolute_uri(reverse("engagement:public_feed")),
            "sees_internal": _can_see_internal(request.user),
        },
    )


@require_GET
def event_detail(request, uid):
    """One event; an internal one is not found for anyone who may not see it."""
    office = OfficeProfile.objects.get_current()
    event = get_object_or_404(_with_people(Event.objects.visible_to(request.user)), uid=uid)
    (event,) = _prepare([event], office)
    return render(
        request,
        "engagement/calendar/event_detail.html",
        {"event": event, "feed_url": request.build_absolute_uri(reverse("engagement:public_feed"))},
    )


# --- iCalendar feeds (RFC 5545) ---------------------------------------------------------------


def _calendar(name: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Europe/London")
    # How often subscribers should fetch it again (RFC 7986, and Outlook's older property).
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    return calendar


def _event_entry(event: Event, *, request, stamp: datetime, internal: bool) -> CalendarEvent:
    url = request.build_absolute_uri(reverse("engagement:event_detail", args=[event.uid]))
    lines = [event.description.strip()] if event.description.strip() else []
    lines.append(f"Area: {event.area_name}")
    if event.attending:
        lines.append("Who attends: " + "; ".join(event.attending))
    if event.booking_url:
        lines.append(f"Book a place: {event.booking_url}")
    lines.append(f"Details: {url}")

    entry = CalendarEvent()
    entry.add("uid", f"{event.uid}@{request.get_host()}")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.starts_at.astimezone(ZoneInfo("UTC")))
    entry.add("dtend", event.ends_at.astimezone(ZoneInfo("UTC")))
    entry.add("summary", f"Internal: {event.title}" if internal else event.title)
    venue = event.venue.strip()
    location = (
        venue if event.area_name in venue else ", ".join(filter(None, (venue, event.area_name)))
    )
    entry.add("location", location)
    entry.add("description", "\n\n".join(lines))
    entry.add("url", url)
    entry.add("categories", [event.get_kind_display()])
    entry.add("class", "PRIVATE" if internal else "PUBLIC")
    entry.add("last-modified", event.updated_at.astimezone(ZoneInfo("UTC")))
    return entry


def _meeting_entry(meeting: StandingMeeting, *, request, stamp: datetime) -> CalendarEvent:
    """A standing meeting as an all-day recurring event from its first meeting."""
    lines = [
        f"{label}: {value}"
        for label, value in (
            ("Category", meeting.get_category_display()),
            ("Chair or lead officer", meeting.chair),
            ("Frequency", describe_recurrence(meeting.recurrence) or meeting.frequency),
            ("Office attendance", meeting.opcc_attendance),
            ("Office lead", meeting.opcc_lead),
            ("Notes", meeting.notes),
        )
        if value
    ]
    entry = CalendarEvent()
    entry.add("uid", f"standing-meeting-{meeting.pk}@{request.get_host()}")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.first_meeting_on)
    entry.add("dtend", meeting.first_meeting_on + timedelta(days=1))
    entry.add("rrule", vRecur.from_ical(meeting.recurrence))
    entry.add("summary", meeting.name)
    entry.add("description", "\n".join(lines))
    entry.add("categories", ["Standing meeting", meeting.get_category_display()])
    entry.add("class", "PRIVATE")
    # The date is where counting starts, not a confirmed booking: show the time as free.
    entry.add("transp", "TRANSPARENT")
    return entry


def _feed_events(events, office):
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return _prepare(_with_people(events.upcoming(since).order_by("starts_at", "pk")), office)


def _ics_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def public_feed(request):
    """/events.ics: public events, upcoming and of the last 90 days. Never an internal one."""
    office = OfficeProfile.objects.get_current()
    stamp = timezone.now().astimezone(ZoneInfo("UTC"))
    calendar = _calendar(
        f"{office.office_name}: events", f"Public events of the {office.office_name}"
    )
    for event in _feed_events(Event.objects.public(), office):
        calendar.add_component(_event_entry(event, request=request, stamp=stamp, internal=False))
    response = _ics_response(calendar, "events.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def private_feed(request, key):
    """A member of staff's secret feed: every event, internal ones too, and the standing
    meetings that have a recurrence rule. Revoking the token (on the account page) ends it."""
    token: DeviceToken | None = authenticate_device_token(key)
    # One answer for every failure, so the URL reveals nothing about why it does not work.
    if token is None or not (token.user.is_staff and token.user.has_perm(VIEW_EVENT)):
        raise Http404("No such calendar")
    office = OfficeProfile.objects.get_current()
    stamp = timezone.now().astimezone(ZoneInfo("UTC"))
    calendar = _calendar(
        f"{office.office_name}: engagement (staff)",
        f"Events and standing meetings of the {office.office_name}, internal ones included",
    )
    for event in _feed_events(Event.objects.all(), office):
        calendar.add_component(
            _event_entry(event, request=request, stamp=stamp, internal=not event.is_public)
        )
    meetings = StandingMeeting.objects.exclude(recurrence="").filter(first_meeting_on__isnull=False)
    for meeting in meetings:
        calendar.add_component(_meeting_entry(meeting, request=request, stamp=stamp))
    response = _ics_response(calendar, "engagement.ics")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Staff page -------------------------------------------------------------------------------


def _meetings_by_category(today) -> list[tuple[str, str, list[StandingMeeting]]]:
    """The schedule in the categories' own order, each meeting's frequency in plain English
    and, for a regular one, the date of its next meeting."""
    meetings = list(StandingMeeting.objects.all())
    horizon = (today, today + timedelta(days=400))
    groups = []
    for value, label in StandingMeeting.Category.choices:
        rows = [m for m in meetings if m.category == value]
        for meeting in rows:
            meeting.frequency_text = describe_recurrence(meeting.recurrence) or meeting.frequency
            upcoming = (
                occurrences(meeting.recurrence, meeting.first_meeting_on, horizon)
                if meeting.recurrence and meeting.first_meeting_on
                else []
            )
            meeting.next_on = upcoming[0] if upcoming else None
        if rows:
            groups.append((value, label, rows))
    return groups


@require_http_methods(["GET", "POST"])
@staff_permission_required(VIEW_EVENT)
def staff_calendar(request):
    """Upcoming events (internal ones too), the schedule of standing meetings, and a private
    feed link for the person's own calendar app, shown once."""
    office = OfficeProfile.objects.get_current()
    feed_url = feed_error = None
    status = 200
    if request.method == "POST":
        try:
            _, key = issue_device_token(
                user=request.user, name=CALENDAR_FEED_NAME, verified=request.user.is_verified()
            )
        except ValidationError as error:
            feed_error = error.messages[0]
            status = 400
        else:
            feed_url = request.build_absolute_uri(reverse("engagement:private_feed", args=[key]))
            messages.success(request, "Calendar feed link issued. Copy it now: it is shown once.")
    events = Event.objects.visible_to(request.user).upcoming().order_by("starts_at", "pk")
    page = Paginator(_with_people(events), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    feeds = DeviceToken.objects.for_user(request.user).active().filter(name=CALENDAR_FEED_NAME)
    response = render(
        request,
        "engagement/calendar/staff_calendar.html",
        {
            "page": page,
            "events": _prepare(page.object_list, office),
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
