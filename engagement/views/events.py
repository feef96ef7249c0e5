"""Events: added and changed on the staff pages, and on the public calendar the events that
have happened and one event as a file for a person's own calendar app."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from pcc_portal.models import OfficeProfile
from pcc_portal.public_cache import cached_for_visitors, office_profile

from .. import ical
from ..event_forms import EventForm
from ..event_services import add_event, change_event
from ..forms import add_service_errors
from ..models import Event
from ..rules import ADD_EVENTS, CHANGE_EVENT_RECORD
from ..signals import EVENTS
from .access import rule_required
from .calendar import EVENTS_PER_PAGE, _by_month, _event_url, _prepare

# --- Staff pages ------------------------------------------------------------------------------


def _event_form_page(request, event: Event | None):
    office = OfficeProfile.objects.get_current()
    if request.method != "POST":
        form = EventForm(initial=EventForm.initial_for(event), event=event, office=office)
    else:
        form = EventForm(request.POST, event=event, office=office)
        if form.is_valid():
            try:
                if event is None:
                    saved = add_event(details=form.details(), by=request.user)
                else:
                    saved = change_event(event=event, details=form.details(), by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = "added" if event is None else "changed"
                messages.success(request, f"Event {done}: {saved.title}")
                return redirect("engagement:staff_calendar")
    return render(
        request,
        "engagement/calendar/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@rule_required(ADD_EVENTS)
def event_add(request):
    return _event_form_page(request, None)


@require_http_methods(["GET", "POST"])
@rule_required(CHANGE_EVENT_RECORD)
def event_change(request, pk):
    event = get_object_or_404(Event.objects.prefetch_related("ambassadors", "officers"), pk=pk)
    if not request.user.has_perm(CHANGE_EVENT_RECORD, event):
        raise PermissionDenied
    return _event_form_page(request, event)


# --- Public pages -----------------------------------------------------------------------------


@require_GET
@cached_for_visitors(EVENTS, query=("page",))
def past_events(request):
    """Public events that have ended, the latest first. Internal ones are never listed here."""
    events = (
        Event.objects.public()
        .filter(ends_at__lt=timezone.now())
        .order_by("-starts_at", "-pk")
        .with_people()
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = _prepare(page.object_list, office_profile())
    return render(
        request,
        "engagement/calendar/past_events.html",
        {"page": page, "months": _by_month(rows)},
    )


@require_GET
@cached_for_visitors(EVENTS)
def event_ics(request, uid):
    """One event as an iCalendar file ("Add to my calendar"). Its UID is the feeds' own, so a
    calendar that holds both, or downloads it twice, keeps one entry that later changes update."""
    office = office_profile()
    event = get_object_or_404(Event.objects.visible_to(request.user).with_people(), uid=uid)
    (event,) = _prepare([event], office)
    calendar = ical.build_calendar(office.office_name, f"{event.title}: {event.when}")
    calendar.add_component(
        ical.event_entry(
            event,
            url=_event_url(request, event),
            host=request.get_host(),
            stamp=timezone.now().astimezone(ical.UTC),
            internal=not event.is_public,
        )
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = slugify(event.title)[:60] or "event"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    if not event.is_public:
        response["Cache-Control"] = "private, no-store"
    return response
