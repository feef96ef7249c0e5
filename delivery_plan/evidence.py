"""What the portal itself knows about a task's activity area and objectives over its plan's
period, shown on the task's page so a lead writes the status comment from facts: the contacts
ambassadors logged, the events held, the consultations run with their feedback, and the grants
awarded.

Everything is read through the other apps' querysets, as the person reading the page may see it
(an internal event only for those who see internal events, and so on), and each part takes a
fixed number of queries whatever the number of records. The period runs from the plan's start
to its end, or to today if that comes first.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Response
from consultations.rules import SEE_RESULTS
from engagement.models import Contact, Event
from engagement.rules import OPEN_STAFF_CALENDAR, OPEN_STAFF_CONTACTS
from grants.models import Award
from grants.rules import SEE_AWARDS

from .milestones import long_date

# How many of each kind the page lists; the counts cover them all.
SHOWN = 5


@dataclass(frozen=True)
class Entry:
    text: str
    on: date | None = None
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    count: int
    summary: str
    entries: list[Entry] = field(default_factory=list)
    list_url: str = ""
    list_label: str = ""
    empty: str = ""


@dataclass(frozen=True)
class Evidence:
    start: date
    end: date
    area: object
    objectives: list
    parts: list[Part]

    @property
    def period(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes: from the start of its first day to the end of its last."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def evidence_for(task, *, user, today: date | None = None) -> Evidence | None:
    """The evidence for the task's action over its plan's period, as `user` may see it; None
    when the period has not started yet. The task's action, area, plan and objectives should be
    loaded with it (select_related / prefetch_related) or they cost a query each."""
    today = today or timezone.localdate()
    action = task.action
    plan = action.plan
    start, end = plan.period_start, min(plan.period_end, today)
    if start > end:
        return None
    area = action.activity_area
    objectives = list(action.objectives.all())
    parts = [
        _contacts(user, area, start, end),
        _events(user, area, start, end),
        _consultations(user, area, objectives, start, end),
        _grants(user, area, objectives, start, end),
    ]
    return Evidence(start=start, end=end, area=area, objectives=objectives, parts=parts)


def _contacts(user, area, start: date, end: date) -> Part:
    contacts = Contact.objects.visible_to(user).between(start, end).filter(activity_areas=area)
    totals = contacts.aggregate(count=Count("pk"), people=Coalesce(Sum("people_reached"), 0))
    recent = contacts.select_related("organisation", "policing_area").order_by(
        "-occurred_on", "-pk"
    )[:SHOWN]
    list_url = ""
    if user.has_perm(OPEN_STAFF_CONTACTS):
        query = urlencode(
            {
                "activity_area": area.pk,
                "occurred_from": start.isoformat(),
                "occurred_to": end.isoformat(),
            }
        )
        list_url = f"{reverse('engagement:staff_contact_list')}?{query}"
    return Part(
        key="contacts",
        title="Contacts logged",
        count=totals["count"],
        summary=(
            f"{_plural(totals['count'], 'contact')} logged by ambassadors, reaching "
            f"{_plural(totals['people'], 'person', 'people')}"
        ),
        entries=[
            Entry(
                text=str(contact.organisation or contact.who or "A contact"),
                on=contact.occurred_on,
                detail=(
                    f"{_plural(contact.people_reached, 'person', 'people')} reached, "
                    f"{contact.policing_area}"
                ),
            )
            for contact in recent
        ],
        list_url=list_url,
        list_label="See these contacts",
        empty="No contacts in this activity area were logged in the period.",
    )


def _events(user, area, start: date, end: date) -> Part:
    first, after = _bounds(start, end)
    events = Event.objects.visible_to(user).filter(
        activity_areas=area,
        starts_at__gte=first,
        starts_at__lt=after,
        ends_at__lte=timezone.now(),
    )
    count = events.count()
    recent = events.select_related("policing_area").order_by("-starts_at", "-pk")[:SHOWN]
    entries = []
    for event in recent:
        where = event.venue or (str(event.policing_area) if event.policing_area else "")
        entries.append(
            Entry(
                text=event.title,
                on=timezone.localdate(event.starts_at),
                detail=", ".join(part for part in (event.get_kind_display(), where) if part),
                url=reverse("engagement:event_detail", kwargs={"uid": event.uid}),
            )
        )
    return Part(
        key="events",
        title="Events held",
        count=count,
        summary=f"{_plural(count, 'event')} held",
        entries=entries,
        list_url=(
            reverse("engagement:staff_calendar") if user.has_perm(OPEN_STAFF_CALENDAR) else ""
        ),
        list_label="Open the calendar",
        empty="No events in this activity area were held in the period.",
    )


def _consultations(user, area, objectives, start: date, end: date) -> Part:
    first, after = _bounds(start, end)
    about = Q(activity_areas=area)
    if objectives:
        about |= Q(objectives__in=objectives)
    # Matched on their own, then counted: joining the areas and objectives would count a
    # consultation once for each it names.
    matching = Consultation.objects.published().filter(about).values("pk")
    responses = (
        Response.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    consultations = Consultation.objects.filter(
        pk__in=Subquery(matching),
        opens_at__lt=min(after, timezone.now()),
        closes_at__gte=first,
    ).annotate(
        response_count=Coalesce(Subquery(responses), 0),
        feedback_on=F("outcome__published_at"),
    )
    totals = consultations.aggregate(
        count=Count("pk"),
        responses=Coalesce(Sum("response_count"), 0),
        with_feedback=Count("pk", filter=Q(feedback_on__isnull=False)),
    )
    may_see_results = user.has_perm(SEE_RESULTS)
    now = timezone.now()
    entries = []
    for consultation in consultations.order_by("-opens_at", "-pk")[:SHOWN]:
        if consultation.feedback_on:
            feedback = (
                f"feedback published {long_date(timezone.localdate(consultation.feedback_on))}"
            )
        elif consultation.closes_at > now:
            feedback = f"open until {long_date(timezone.localdate(consultation.closes_at))}"
        else:
            feedback = "no feedback published yet"
        url = (
            reverse("consultations_staff:results", kwargs={"pk": consultation.pk})
            if may_see_results
            else reverse("consultations:detail", kwargs={"slug": consultation.slug})
        )
        entries.append(
            Entry(
                text=consultation.title,
                on=timezone.localdate(consultation.opens_at),
                detail=f"{_plural(consultation.response_count, 'response')}, {feedback}",
                url=url,
            )
        )
    return Part(
        key="consultations",
        title="Consultations run",
        count=totals["count"],
        summary=(
            f"{_plural(totals['count'], 'consultation')}, "
            f"{_plural(totals['responses'], 'response')}, "
            f"feedback published on {totals['with_feedback']:,}"
        ),
        entries=entries,
        list_url=reverse("consultations:list"),
        list_label="See the consultations",
        empty="No consultations on this activity area or its objectives ran in the period.",
    )


def _grants(user, area, objectives, start: date, end: date) -> Part:
    may_see_awards = user.has_perm(SEE_AWARDS)
    # Those who do not see the grants pages see what the office publishes of them.
    awards = Award.objects.live() if may_see_awards else Award.objects.published()
    about = Q(application__activity_area=area)
    if objectives:
        about |= Q(application__objectives__in=objectives)
    matching = awards.filter(about, decided_on__gte=start, decided_on__lte=end).values("pk")
    awarded = Award.objects.filter(pk__in=Subquery(matching))
    totals = awarded.aggregate(count=Count("pk"), total=Sum("amount"))
    entries = []
    for award in awarded.select_related("application__organisation").order_by("-decided_on", "-pk")[
        :SHOWN
    ]:
        application = award.application
        organisation = application.organisation
        name = organisation.name if organisation else application.organisation_name
        entries.append(
            Entry(
                text=name or str(application),
                on=award.decided_on,
                detail=f"£{award.amount:,.2f} for {application.project_title or 'a project'}",
                url=(
                    reverse("grants_staff:award_detail", kwargs={"pk": award.pk})
                    if may_see_awards
                    else ""
                ),
            )
        )
    total = totals["total"]
    return Part(
        key="grants",
        title="Grants awarded",
        count=totals["count"],
        summary=(
            f"{_plural(totals['count'], 'grant')} awarded"
            + (f", £{total:,.2f} in all" if total is not None else "")
        ),
        entries=entries,
        list_url=reverse("grants_staff:award_list")
        if may_see_awards
        else reverse("grants:awarded"),
        list_label="See the grants awarded",
        empty="No grants for this activity area or its objectives were awarded in the period.",
    )
