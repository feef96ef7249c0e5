"""The staff pages' form for adding and changing an event, in the GOV.UK patterns: the date in
three boxes, times as people write them ("6:30pm", "18:30"), every error at once, in GOV.UK words.
It turns input into EventDetails; the rules live in event_services.py and the model."""

import re
from datetime import date, datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone

from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_texts
from pcc_portal.models import OfficeProfile, PolicingArea, StaffMember

from .calendar_text import LONDON, WHOLE_FORCE_AREA, format_time
from .event_services import EventDetails
from .models import ActivityArea, Ambassador, Event

# Nothing was put in the calendar before the portal's time, and a date more than a few years
# ahead is a typing slip (2062 for 2026).
EARLIEST_EVENT = date(2000, 1, 1)
YEARS_AHEAD = 5

TIME_EXAMPLE = "like 6:30pm or 18:30"
REAL_TIME = "{name} must be a real time, " + TIME_EXAMPLE
END_BEFORE_START = "The end of the event must be the same as or after its start"
WORDS = {"midday": time(12), "noon": time(12), "midnight": time(0)}
HOLDER, DEPUTY = "holder", "deputy"
# 6pm, 6:30pm, 6.30 pm, 6:30 p.m., 18:30, 18.30, 1830
CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)


def parse_time(text: str) -> time | None:
    """A time as people write it, or None if it is not one."""
    text = text.strip().lower()
    if text in WORDS:
        return WORDS[text]
    match = CLOCK.match(text)
    if not match:
        return None
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if half:
        # 12am is midnight and 12pm midday, as the 12-hour clock has it.
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif match["minute"] is None:
        return None  # "6" could be 6am or 6pm
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class GovukTimeField(forms.CharField):
    """A time typed into one text box. GOV.UK has no time input; its style guide writes times
    as 6:30pm, midday and midnight, and people also type 18:30, so both are taken."""

    longest = 20  # "6:30 p.m." and then some; anything longer is not a time

    def __init__(self, *, name: str, **kwargs):
        kwargs.setdefault("help_text", "For example, 6:30pm or 18:30")
        super().__init__(**kwargs)
        self.name = name
        self.error_messages["required"] = f"Enter the {name.lower()}"
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        parsed = parse_time(text) if len(text) <= self.longest else None
        if parsed is None:
            raise forms.ValidationError(REAL_TIME.format(name=self.name), code="invalid")
        return parsed


class AmbassadorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, ambassador):
        return f"{ambassador.user.full_name or ambassador.user.email} ({ambassador.remit})"


class OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, officer):
        return f"{officer.name}, {officer.job_title}" if officer.job_title else officer.name


class EventForm(forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="What the public calendar shows, for example Policing in Ledbury: public meeting",
        max_length=200,
        error_messages={"required": "Enter the title of the event"},
    )
    kind = forms.ChoiceField(
        label="What kind of event is it?",
        choices=Event.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of event it is"},
    )
    on_date = GovukDateField(
        label="Date", help_text="For example, 27 3 2026", name="Date of the event"
    )
    starts = GovukTimeField(label="Start time", name="Start time")
    ends = GovukTimeField(label="End time", name="End time")
    end_date = GovukDateField(
        label="End date (optional)",
        help_text="Only if the event ends on a later day",
        name="End date",
        required=False,
    )
    venue = forms.CharField(
        label="Where (optional)",
        help_text="The venue and town, for example Market hall, Ledbury",
        required=False,
        max_length=255,
    )
    policing_area = forms.ModelChoiceField(
        label="Policing area",
        queryset=PolicingArea.objects.all(),
        required=False,
        empty_label=WHOLE_FORCE_AREA,
    )
    office_attends = forms.MultipleChoiceField(
        label="Who from the office attends (optional)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ambassadors = AmbassadorChoice(
        label="Ambassadors attending (optional)",
        queryset=Ambassador.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    officers = OfficerChoice(
        label="Officers attending (optional)",
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    activity_areas = forms.ModelMultipleChoiceField(
        label="Activity areas it serves (optional)",
        help_text="The delivery plan counts the event towards these",
        queryset=ActivityArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_public = forms.TypedChoiceField(
        label="Who can see it?",
        choices=[
            ("yes", "Everyone: it is listed on the public calendar"),
            ("no", "Staff only: an internal event"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who can see the event"},
    )
    description = forms.CharField(
        label="About this event (optional)",
        help_text="What happens there and who it is for",
        required=False,
        max_length=Event._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    booking_url = forms.URLField(
        label="Booking link (optional)",
        help_text="If people need to book a place, for example https://www.example.org/book",
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={
            "invalid": "Enter the booking link as a web address, like https://www.example.org/book"
        },
    )

    def __init__(self, *args, event: Event | None = None, office: OfficeProfile, **kwargs):
        super().__init__(*args, **kwargs)
        latest = date(timezone.localdate().year + YEARS_AHEAD, 12, 31)
        for name in ("on_date", "end_date"):
            self.fields[name].limits.update(earliest=EARLIEST_EVENT, latest=latest)
        # An ambassador or officer who has since left stays on the events they attended.
        attended = Q(events=event) if event is not None else Q(pk__in=[])
        self.fields["ambassadors"].queryset = (
            Ambassador.objects.filter(Q(active=True) | attended)
            .select_related("user", "policing_area")
            .distinct()
        )
        self.fields["officers"].queryset = StaffMember.objects.filter(
            Q(active=True) | attended
        ).distinct()
        # The office's own titles, never written into code.
        self.fields["office_attends"].choices = [
            (who, _with_name(title, name))
            for who, title, name in (
                (HOLDER, office.holder_title, office.holder_name),
                (DEPUTY, office.deputy_title, office.deputy_name),
            )
            if title
        ]
        limit_texts(self, {"title": "Title", "venue": "Venue", "description": "About this event"})
        # A list with nobody in it would be an empty question.
        present = {
            "office_attends": bool(self.fields["office_attends"].choices),
            "ambassadors": self.fields["ambassadors"].queryset.exists(),
            "officers": self.fields["officers"].queryset.exists(),
        }
        people = [
            Field.checkboxes(name, small=True, legend_size=Size.SMALL)
            for name, shown in present.items()
            if shown
        ]
        areas = (
            [Field.checkboxes("activity_areas", small=True, legend_size=Size.SMALL)]
            if self.fields["activity_areas"].queryset.exists()
            else []
        )
        small_legend = {"legend_size": Size.for_legend(Size.SMALL)}
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.radios("kind", small=True, legend_size=Size.SMALL),
            Field("on_date", context=small_legend),
            Field.text("starts", field_width=Fixed.TEN),
            Field.text("ends", field_width=Fixed.TEN),
            Field("end_date", context=small_legend),
            Field.text("venue"),
            Field.select("policing_area"),
            *people,
            *areas,
            Field.radios("is_public", small=True, legend_size=Size.SMALL),
            character_count(self, "description", rows=5),
            Field.text("booking_url"),
            Submit("save", "Add the event" if event is None else "Save the changes"),
        )

    def clean(self):
        data = super().clean()
        attends = data.get("office_attends") or []
        data["holder_attends"], data["deputy_attends"] = HOLDER in attends, DEPUTY in attends
        day, starts, ends = data.get("on_date"), data.get("starts"), data.get("ends")
        if day is None or starts is None or ends is None:
            return data
        end_day = data.get("end_date") or day
        data["starts_at"] = datetime.combine(day, starts, tzinfo=LONDON)
        data["ends_at"] = datetime.combine(end_day, ends, tzinfo=LONDON)
        if data["ends_at"] < data["starts_at"]:
            self.add_error("end_date" if data.get("end_date") else "ends", END_BEFORE_START)
        return data

    def details(self) -> EventDetails:
        return EventDetails.from_input(self.cleaned_data)

    @staticmethod
    def initial_for(event: Event | None) -> dict:
        if event is None:
            return {"is_public": "yes"}
        start = timezone.localtime(event.starts_at, LONDON)
        end = timezone.localtime(event.ends_at, LONDON)
        return {
            "title": event.title,
            "kind": event.kind,
            "on_date": start.date(),
            "starts": format_time(start),
            "ends": format_time(end),
            "end_date": end.date() if end.date() != start.date() else None,
            "venue": event.venue,
            "policing_area": event.policing_area_id,
            "office_attends": [
                who
                for who, attends in ((HOLDER, event.holder_attends), (DEPUTY, event.deputy_attends))
                if attends
            ],
            "ambassadors": [a.pk for a in event.ambassadors.all()],
            "officers": [o.pk for o in event.officers.all()],
            "activity_areas": [a.pk for a in event.activity_areas.all()],
            "is_public": "yes" if event.is_public else "no",
            "description": event.description,
            "booking_url": event.booking_url,
        }


def _with_name(title: str, name: str) -> str:
    return f"The {title}, {name}" if name else f"The {title}"
