"""Demo events for a laptop run, dated around today (decision 23) so the calendar always has
something past and something coming. Places come from the loaded policing areas and their
local authorities, and titles from the office profile: nothing here names an office."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pcc_portal.models import LocalAuthority, OfficeProfile, PolicingArea, StaffMember

from .models import Ambassador, Event

LONDON = ZoneInfo("Europe/London")
FORCE_WIDE = None  # an event for the whole force area


@dataclass(frozen=True)
class DemoEvent:
    days: int  # from today
    start: time
    minutes: int
    kind: str
    title: str  # {place}, {area}, {holder} and {deputy} are filled in
    venue: str
    area: int | None  # index into the areas, wrapping round; None for force-wide
    public: bool = True
    holder: bool = False
    deputy: bool = False
    booking: str = ""  # a path under https://example.org/
    description: str = ""


K = Event.Kind
DEMO_EVENTS = (
    # The last two months
    DemoEvent(
        -58,
        time(19),
        120,
        K.PUBLIC_MEETING,
        "Policing in {place}: public meeting",
        "Town hall, {place}",
        0,
        holder=True,
        description=(
            "Hear how the local policing team is tackling the issues residents "
            "raised, and put your questions to the {holder}."
        ),
    ),
    DemoEvent(
        -52,
        time(10),
        180,
        K.SURGERY,
        "{deputy}'s surgery in {place}",
        "Central library, {place}",
        1,
        deputy=True,
    ),
    DemoEvent(
        -47,
        time(14),
        90,
        K.VISIT,
        "Visit to the {place} safer neighbourhood team",
        "Police station, {place}",
        2,
        public=False,
        holder=True,
    ),
    DemoEvent(
        -41,
        time(18, 30),
        120,
        K.FORUM,
        "Rural crime forum: {area}",
        "Village hall near {place}",
        3,
        deputy=True,
        description=(
            "Farm, horse and rural watch members share what they are seeing, with "
            "the rural crime team."
        ),
    ),
    DemoEvent(
        -35,
        time(9, 30),
        60,
        K.OTHER,
        "Community ambassadors' team meeting",
        "The office's meeting room",
        FORCE_WIDE,
        public=False,
    ),
    DemoEvent(
        -30,
        time(12),
        60,
        K.RADIO,
        "Radio phone-in: ask the {holder}",
        "Local radio (phone in from anywhere)",
        FORCE_WIDE,
        holder=True,
    ),
    DemoEvent(
        -24,
        time(18),
        150,
        K.FORUM,
        "Young people's forum: {area}",
        "Youth centre, {place}",
        4,
        description=(
            "Young people tell us what makes them feel safe, and unsafe, where they live."
        ),
    ),
    DemoEvent(
        -17,
        time(10),
        120,
        K.OTHER,
        "Community safety partnership briefing: {area}",
        "Council offices, {place}",
        0,
        public=False,
        deputy=True,
    ),
    DemoEvent(
        -10,
        time(11),
        180,
        K.SURGERY,
        "Street surgery at {place} market",
        "Market square, {place}",
        1,
        description="Drop by for a chat: no appointment needed.",
    ),
    DemoEvent(
        -4,
        time(19),
        90,
        K.PUBLIC_MEETING,
        "Neighbourhood watch coordinators' meeting",
        "Community centre, {place}",
        2,
    ),
    # The next three months
    DemoEvent(
        3,
        time(18, 30),
        120,
        K.PUBLIC_MEETING,
        "Policing in {place}: public meeting",
        "Civic centre, {place}",
        3,
        holder=True,
        booking="events/policing-public-meeting",
        description=(
            "Meet the {holder} and your local inspector. Tell us what matters to "
            "you in your neighbourhood."
        ),
    ),
    DemoEvent(
        8,
        time(10),
        120,
        K.SURGERY,
        "{holder}'s surgery in {place}",
        "Central library, {place}",
        4,
        holder=True,
        booking="surgeries/book",
        description=("Twenty-minute appointments. Book a slot, or drop in if one is free."),
    ),
    DemoEvent(
        12,
        time(14),
        120,
        K.VISIT,
        "Visit to the {place} custody suite",
        "Police station, {place}",
        0,
        public=False,
        deputy=True,
    ),
    DemoEvent(
        16,
        time(19),
        90,
        K.FORUM,
        "Business crime forum: {area}",
        "Chamber of commerce, {place}",
        1,
        booking="events/business-crime-forum",
        description=(
            "Shop theft, fraud and rural business crime: what works, and what support is available."
        ),
    ),
    DemoEvent(
        21,
        time(10, 30),
        90,
        K.OTHER,
        "Scams awareness session for older people",
        "Community centre, {place}",
        2,
        description=("Practical advice on doorstep, phone and online scams, with tea and cake."),
    ),
    DemoEvent(
        27,
        time(18),
        120,
        K.PUBLIC_MEETING,
        "Budget and council tax consultation: public meeting",
        "Council chamber, {place}",
        FORCE_WIDE,
        holder=True,
        deputy=True,
        booking="consultations/budget-meeting",
        description=(
            "How much should local people pay towards policing next year? Hear the "
            "options and have your say."
        ),
    ),
    DemoEvent(
        33,
        time(9, 30),
        60,
        K.OTHER,
        "Independent custody visitors' panel meeting",
        "The office's meeting room",
        FORCE_WIDE,
        public=False,
    ),
    DemoEvent(
        38,
        time(18, 30),
        120,
        K.FORUM,
        "Faith and community leaders' forum: {area}",
        "Community centre, {place}",
        3,
        deputy=True,
        description=(
            "Hate crime reporting, and how faith and community groups can help "
            "victims come forward."
        ),
    ),
    DemoEvent(
        45,
        time(11),
        180,
        K.SURGERY,
        "Street surgery at {place} market",
        "Market square, {place}",
        4,
    ),
    DemoEvent(
        52,
        time(12),
        60,
        K.RADIO,
        "Radio phone-in: ask the {deputy}",
        "Local radio (phone in from anywhere)",
        FORCE_WIDE,
        deputy=True,
    ),
    DemoEvent(
        59,
        time(19),
        90,
        K.PUBLIC_MEETING,
        "Rural crime and watch schemes: open evening",
        "Village hall near {place}",
        0,
        booking="events/rural-open-evening",
    ),
    DemoEvent(
        66,
        time(14),
        120,
        K.VISIT,
        "Visit to a victims' support service in {place}",
        "Victims' hub, {place}",
        1,
        public=False,
        holder=True,
    ),
    DemoEvent(
        73,
        time(18),
        150,
        K.FORUM,
        "Young people's forum: {area}",
        "Youth centre, {place}",
        2,
        booking="events/young-peoples-forum",
    ),
    DemoEvent(
        80,
        time(10),
        360,
        K.CONFERENCE,
        "Community safety conference and volunteer awards",
        "Conference centre, {place}",
        FORCE_WIDE,
        holder=True,
        deputy=True,
        booking="events/conference-and-awards",
        description=(
            "A day of workshops on what works in community safety, ending with "
            "awards for the volunteers who made a difference this year."
        ),
    ),
    DemoEvent(
        88,
        time(19),
        90,
        K.PUBLIC_MEETING,
        "Policing in {place}: public meeting",
        "Town hall, {place}",
        3,
        deputy=True,
    ),
)


def _places(areas: list[PolicingArea]) -> dict[int, list[str]]:
    """Each area's towns: its district and unitary councils' names, else the area's own name."""
    places: dict[int, list[str]] = {area.pk: [] for area in areas}
    authorities = LocalAuthority.objects.exclude(kind=LocalAuthority.Kind.COUNTY).order_by("name")
    for authority in authorities:
        if authority.policing_area_id in places:
            # ONS names some unitaries "Herefordshire, County of": a town needs the short name.
            places[authority.policing_area_id].append(authority.name.split(",")[0].strip())
    return {area.pk: places[area.pk] or [area.name] for area in areas}


def fill_events(*, today: date, stdout) -> None:
    """Create the demo events around `today`; a second run on the same day creates nothing.

    Each event is found again by its title and start (get_or_create), so staff edits to a demo
    event's other fields survive a re-run.
    """
    office = OfficeProfile.objects.get_current()
    areas = list(PolicingArea.objects.order_by("position", "name"))
    places = _places(areas)
    officers = list(StaffMember.objects.filter(active=True).order_by("name")[:3])
    words = {
        "holder": office.holder_title or "Commissioner",
        "deputy": office.deputy_title or "Deputy",
    }
    created = 0
    for number, spec in enumerate(DEMO_EVENTS):
        # A force-wide event still happens somewhere: it borrows a town, not the area.
        host = (
            areas[(spec.area if spec.area is not None else number) % len(areas)] if areas else None
        )
        towns = places[host.pk] if host else [office.area_name or "the town centre"]
        area = host if spec.area is not None else None
        fill = {
            **words,
            "place": towns[number % len(towns)],
            "area": area.name if area else office.area_name,
        }
        starts_at = datetime.combine(today + timedelta(days=spec.days), spec.start, tzinfo=LONDON)
        event, is_new = Event.objects.get_or_create(
            title=spec.title.format(**fill),
            starts_at=starts_at,
            defaults={
                "kind": spec.kind,
                "ends_at": starts_at + timedelta(minutes=spec.minutes),
                "venue": spec.venue.format(**fill),
                "policing_area": area,
                "is_public": spec.public,
                "holder_attends": spec.holder,
                "deputy_attends": spec.deputy,
                "booking_url": f"https://example.org/{spec.booking}" if spec.booking else "",
                "description": spec.description.format(**fill),
            },
        )
        if is_new:
            created += 1
            # The area's ambassadors go to its events; an officer goes to every third one.
            if area is not None:
                event.ambassadors.set(Ambassador.objects.active().filter(policing_area=area))
            if officers and number % 3 == 0:
                event.officers.set([officers[number % len(officers)]])
    stdout.write(f"Events: {created} created, {len(DEMO_EVENTS) - created} already there.\n")
