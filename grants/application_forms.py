"""The application form, section by section, as the GOV.UK task list pattern asks.

Each section is a form of its own, saved on its own through the applying services
(grants/applying.py): the forms turn what was typed into values and show the services' messages
beside the fields they name; they decide nothing. A draft may be saved incomplete, so no field is
required here: what an application must have is told on "Check your answers", by the service
that sends it.

Budget lines and consortium members are rows: "Add another" posts the page and draws it again
with one more empty row, so it works without JavaScript; a row left empty is dropped, which is
how a row is removed.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from engagement.identifiers import CHARITY_FORMAT, COMPANY_FORMAT
from engagement.models import ActivityArea, Organisation
from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_text
from pcc_portal.models import Objective, PolicingArea

from . import services
from .applying import (
    BUDGET_LINE_AMOUNT,
    BUDGET_LINE_DESCRIPTION,
    DRAFT_FIELDS,
    MEMBER_NAME_REQUIRED,
)
from .models import Application, Attachment, ConsortiumMember
from .models.applications import POSTCODE_FORMAT, PROJECT_DATE_LIMITS

YES, NO = "yes", "no"
MAX_ROWS = 50
LEGEND = Size.SMALL
# A date input's legend is drawn by the field's own template, which takes the class itself.
DATE_LEGEND = Size.for_legend(Size.SMALL)


# --- The sections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One task of the task list: its address, its title, and the keys of the messages the
    applying services give about it (a field's name, or the start of a row's key)."""

    key: str
    title: str
    fields: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def owns(self, problem: str) -> bool:
        return problem in self.fields or problem.startswith(self.prefixes or ("\0",))


ORGANISATION = Section(
    "organisation",
    "Organisation",
    (
        "organisation_name",
        "organisation_kind",
        "charity_number",
        "company_number",
        "organisation_address",
        "organisation_postcode",
        "organisation_website",
        "is_consortium",
    ),
)
CONSORTIUM = Section("consortium", "Consortium members", ("consortium_members",), ("member_",))
CONTACT = Section("contact", "Contact", ("contact_name", "contact_email", "contact_phone"))
SAFEGUARDING = Section(
    "safeguarding", "Safeguarding and governance", ("has_safeguarding_policy", "governing_document")
)
PROJECT = Section(
    "project",
    "Project",
    (
        "project_title",
        "project_summary",
        "project_activities",
        "project_beneficiaries",
        "activity_area",
        "objectives",
    ),
)
AREAS_AND_DATES = Section(
    "areas-and-dates", "Areas and dates", ("policing_areas", "starts_on", "ends_on")
)
BUDGET = Section("budget", "Budget", ("amount_requested", "budget_lines"), ("line_",))
FUNDING_AND_OUTCOMES = Section(
    "funding-and-outcomes",
    "Other funding and outcomes",
    ("other_funding", "other_funding_amount", "expected_outcomes"),
)
QUESTIONS = Section("questions", "Round questions", (), ("question_",))
ATTACHMENTS = Section("attachments", "Attachments", ("attachments", "file", "kind"))

ALL_SECTIONS = (
    ORGANISATION,
    CONSORTIUM,
    CONTACT,
    SAFEGUARDING,
    PROJECT,
    AREAS_AND_DATES,
    BUDGET,
    FUNDING_AND_OUTCOMES,
    QUESTIONS,
    ATTACHMENTS,
)


def sections_for(application: Application, *, has_questions: bool) -> list[Section]:
    """The sections this application has: consortium members only for a consortium bid, the
    round's questions only when it asks some."""
    shown = []
    for section in ALL_SECTIONS:
        if section is CONSORTIUM and not application.is_consortium:
            continue
        if section is QUESTIONS and not has_questions:
            continue
        shown.append(section)
    return shown


def section_of(problem: str, sections) -> Section | None:
    return next((section for section in sections if section.owns(problem)), None)


# --- Fields -------------------------------------------------------------------------------------


def _model_max(name: str, model=Application) -> int:
    return model._meta.get_field(name).max_length


def text_field(name: str, label: str, *, textarea=False, model=Application, **kwargs):
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5}) if textarea else forms.TextInput)
    messages = kwargs.pop("error_messages", {})
    field = forms.CharField(
        label=label, max_length=_model_max(name, model), required=False, **kwargs
    )
    limit_text(field, label)
    field.error_messages.update(messages)
    return field


def _normalise_money(value):
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace(" ", "").removeprefix("£")
    return value


class MoneyField(forms.DecimalField):
    """Pounds and pence as people type them: "£4,500" and "4500.50" are both money."""

    widget = forms.TextInput

    def __init__(self, *, name: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        self.error_messages.update(
            {
                "invalid": f"{name} must be an amount in pounds, like 4500 or 4500.50",
                "min_value": f"{name} must be £0 or more",
                "max_digits": f"{name} must be less than £10,000,000,000",
                "max_whole_digits": f"{name} must be less than £10,000,000,000",
                "max_decimal_places": f"{name} must be in pounds and pence, like 4500.50",
            }
        )

    def to_python(self, value):
        value = _normalise_money(value)
        if isinstance(value, str) and len(value) > 20:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def money_text(amount) -> str:
    """An amount as it is shown in a box to change: 4500, or 4500.50."""
    if amount is None:
        return ""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def yes_no(label: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, "Yes"), (NO, "No")],
        coerce=lambda value: value == YES,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Select yes or no: {label[0].lower()}{label[1:]}"},
        **kwargs,
    )


def _yes_no_initial(value) -> str | None:
    return None if value is None else (YES if value else NO)


def helper_for(*layout) -> FormHelper:
    """The page draws the <form> tag, the CSRF token and the buttons around the fields."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.layout = Layout(*layout)
    return helper


# --- Sections of plain fields -------------------------------------------------------------------


class SectionForm(forms.Form):
    """A section of the application: its fields start as the draft holds them, and `save`
    hands what was typed to the applying services."""

    section: Section

    def __init__(self, application: Application, *args, **kwargs):
        self.application = application
        kwargs.setdefault("initial", self.initial_from(application))
        super().__init__(*args, **kwargs)
        self.build()
        self.helper = helper_for(*self.layout())

    # What a section changes: its own fields of the draft, and many-to-many choices.
    def initial_from(self, application: Application) -> dict:
        return {
            name: getattr(application, name)
            for name in self.base_fields
            if hasattr(application, name)
        }

    def build(self) -> None:
        """Add the fields that depend on the application (its round's choices, say)."""

    def layout(self) -> list:
        return [Field.text(name) for name in self.fields]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in DRAFT_FIELDS}

    def relations(self) -> dict:
        return {}

    def save(self, *, by) -> None:
        services.save_draft(
            application=self.application, by=by, values=self.values(), **self.relations()
        )


class OrganisationForm(SectionForm):
    section = ORGANISATION

    organisation_name = text_field(
        "organisation_name",
        "Organisation's name",
        help_text="Its registered name, if it has one",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "Select the kind of organisation"), *Organisation.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Select the kind of organisation from the list"},
    )
    charity_number = text_field(
        "charity_number",
        "Charity number (if it has one)",
        help_text="For example, 1123456 or SC012345",
    )
    company_number = text_field(
        "company_number",
        "Company number (if it has one)",
        help_text="For example, 01234567",
    )
    organisation_address = text_field(
        "organisation_address", "Organisation's address", textarea=True
    )
    organisation_postcode = text_field(
        "organisation_postcode",
        "Postcode",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        # Too long to be a postcode is what the person needs to hear, not a count.
        error_messages={"max_length": POSTCODE_FORMAT},
    )
    organisation_website = forms.URLField(
        label="Website (optional)",
        max_length=_model_max("organisation_website"),
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.org",
            "max_length": "The web address must be 200 characters or fewer",
        },
    )
    is_consortium = yes_no(
        "Is this a consortium bid?",
        help_text="Your organisation leads a group of organisations that will run the project",
    )

    def initial_from(self, application):
        initial = super().initial_from(application)
        initial["is_consortium"] = _yes_no_initial(application.is_consortium)
        return initial

    def layout(self):
        return [
            Field.text("organisation_name"),
            Field.select("organisation_kind"),
            Field.text("charity_number", field_width=10),
            Field.text("company_number", field_width=10),
            character_count(self, "organisation_address", rows=4),
            Field.text("organisation_postcode", field_width=10),
            Field.text("organisation_website"),
            Field.radios("is_consortium", legend_size=LEGEND, inline=False),
        ]

    def values(self):
        values = super().values()
        # Unanswered is "no": a bid is a consortium's only when the applicant says so.
        values["is_consortium"] = bool(self.cleaned_data.get("is_consortium"))
        return values


class ContactForm(SectionForm):
    section = CONTACT

    contact_name = text_field(
        "contact_name",
        "Name of the person we should contact",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    contact_email = forms.EmailField(
        label="Their email address",
        max_length=_model_max("contact_email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )
    contact_phone = text_field(
        "contact_phone",
        "Their phone number (optional)",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def layout(self):
        return [
            Field.text("contact_name"),
            Field.text("contact_email"),
            Field.text("contact_phone", field_width=20),
        ]


class SafeguardingForm(SectionForm):
    section = SAFEGUARDING

    has_safeguarding_policy = yes_no(
        "Does your organisation have a safeguarding policy?",
        help_text="If it does, attach it in the Attachments section",
    )
    governing_document = forms.ChoiceField(
        label="What is your governing document?",
        help_text="What sets out how your organisation is run. Attach it in the Attachments "
        "section, unless your organisation is set up by law",
        choices=Application.GoverningDocument.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select your governing document from the list"},
    )

    def initial_from(self, application):
        return {
            "has_safeguarding_policy": _yes_no_initial(application.has_safeguarding_policy),
            "governing_document": application.governing_document,
        }

    def layout(self):
        return [
            Field.radios("has_safeguarding_policy", legend_size=LEGEND),
            Field.radios("governing_document", legend_size=LEGEND),
        ]


class ProjectForm(SectionForm):
    section = PROJECT

    project_title = text_field(
        "project_title", "Project title", help_text="For example, Safer Streets Shrewsbury"
    )
    project_summary = text_field(
        "project_summary",
        "Summary",
        textarea=True,
        help_text="A few sentences. If the project is funded, we publish this with the grant.",
    )
    project_activities = text_field(
        "project_activities", "What will the project do?", textarea=True
    )
    project_beneficiaries = text_field(
        "project_beneficiaries",
        "Who is it for?",
        textarea=True,
        help_text="For example, young people aged 11 to 16 at risk of exploitation",
    )
    activity_area = forms.ModelChoiceField(
        label="Which activity area is the project in?",
        queryset=ActivityArea.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select an activity area from the list"},
    )
    objectives = forms.ModelMultipleChoiceField(
        label="Which objectives of the police and crime plan will it work towards?",
        help_text="Select all that apply",
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select objectives from the list"},
    )

    def build(self):
        grant_round = self.application.round
        areas = grant_round.activity_areas.all() if grant_round else ActivityArea.objects.none()
        objectives = grant_round.objectives.all() if grant_round else Objective.objects.none()
        # A round that names none funds work in any area, towards any objective.
        self.fields["activity_area"].queryset = (
            areas if areas.exists() else ActivityArea.objects.all()
        )
        self.fields["objectives"].queryset = (
            objectives if objectives.exists() else Objective.objects.all()
        )

    def initial_from(self, application):
        initial = super().initial_from(application)
        initial["activity_area"] = application.activity_area_id
        initial["objectives"] = [o.pk for o in application.objectives.all()]
        return initial

    def layout(self):
        return [
            Field.text("project_title"),
            character_count(self, "project_summary", rows=4),
            character_count(self, "project_activities", rows=8),
            character_count(self, "project_beneficiaries", rows=4),
            Field.radios("activity_area", legend_size=LEGEND, small=True),
            Field.checkboxes("objectives", legend_size=LEGEND, small=True),
        ]

    def relations(self):
        return {"objectives": list(self.cleaned_data.get("objectives") or [])}


class AreasAndDatesForm(SectionForm):
    section = AREAS_AND_DATES

    policing_areas = forms.ModelMultipleChoiceField(
        label="Which policing areas will the project serve?",
        help_text="Select all that apply",
        queryset=PolicingArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select policing areas from the list"},
    )
    starts_on = GovukDateField(
        label="When will the project start?",
        help_text="For example, 1 4 2026",
        name="Start date",
        required=False,
        **PROJECT_DATE_LIMITS,
    )
    ends_on = GovukDateField(
        label="When will it end?",
        name="End date",
        required=False,
        **PROJECT_DATE_LIMITS,
    )

    def build(self):
        grant_round = self.application.round
        if grant_round is not None:
            months = grant_round.longest_project_months
            self.fields["ends_on"].help_text = (
                f"A project in this round can run for at most {months} "
                f"month{'s' if months != 1 else ''}. For example, 31 3 2027"
            )

    def initial_from(self, application):
        return {
            "policing_areas": [area.pk for area in application.policing_areas.all()],
            "starts_on": application.starts_on,
            "ends_on": application.ends_on,
        }

    def layout(self):
        return [
            Field.checkboxes("policing_areas", legend_size=LEGEND, small=True),
            Field("starts_on", context={"legend_size": DATE_LEGEND}),
            Field("ends_on", context={"legend_size": DATE_LEGEND}),
        ]

    def relations(self):
        return {"policing_areas": list(self.cleaned_data.get("policing_areas") or [])}


class FundingAndOutcomesForm(SectionForm):
    section = FUNDING_AND_OUTCOMES

    other_funding = text_field(
        "other_funding",
        "Other funding for the project (optional)",
        textarea=True,
        help_text="Money you have secured or applied for, and from whom",
    )
    other_funding_amount = MoneyField(
        name="Other funding",
        label="How much other funding, in pounds (optional)",
    )
    expected_outcomes = text_field(
        "expected_outcomes",
        "What will the project achieve?",
        textarea=True,
        help_text="What will be different because of it, and how you will know",
    )

    def initial_from(self, application):
        return {
            "other_funding": application.other_funding,
            "other_funding_amount": money_text(application.other_funding_amount),
            "expected_outcomes": application.expected_outcomes,
        }

    def layout(self):
        return [
            character_count(self, "other_funding", rows=4),
            Field.text("other_funding_amount", field_width=10),
            character_count(self, "expected_outcomes", rows=6),
        ]


class QuestionsForm(SectionForm):
    """The round's own questions, one box each, named question_<id>."""

    section = QUESTIONS

    def initial_from(self, application):
        return {
            f"question_{answer.question_id}": answer.answer for answer in application.answers.all()
        }

    def build(self):
        self.questions = list(self.application.round.questions.all())
        for question in self.questions:
            label = question.text if question.required else f"{question.text} (optional)"
            field = forms.CharField(
                label=label,
                help_text=question.help_text,
                max_length=question.max_length,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"question_{question.pk}"] = limit_text(field, "Your answer")

    def layout(self):
        return [character_count(self, name, rows=6) for name in self.fields]

    def save(self, *, by):
        services.answer_questions(
            application=self.application,
            by=by,
            answers={q.pk: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions},
        )


class AttachmentForm(SectionForm):
    """One file at a time, with what it is."""

    section = ATTACHMENTS
    KINDS = [
        (kind.value, kind.label)
        for kind in Attachment.Kind
        if kind != Attachment.Kind.MONITORING_EVIDENCE
    ]

    kind = forms.ChoiceField(
        label="What is the file?",
        choices=KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what the file is",
            "invalid_choice": "Select what the file is",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), JPG or PNG, "
        "smaller than 10 MB",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
    )

    def initial_from(self, application):
        return {}

    def layout(self):
        return [Field.radios("kind", legend_size=LEGEND, small=True), Field("file")]

    def save(self, *, by):
        services.add_attachment(
            application=self.application,
            by=by,
            kind=self.cleaned_data["kind"],
            upload=self.cleaned_data["file"],
        )


# --- Rows: budget lines and consortium members --------------------------------------------------


class BudgetForm(SectionForm):
    """The amount asked for; the lines are BudgetLineFormSet's."""

    section = BUDGET

    amount_requested = MoneyField(
        name="The amount you are asking for",
        label="How much are you asking for, in pounds?",
        help_text="For example, 4500. Your budget lines must add up to this.",
    )

    def initial_from(self, application):
        return {"amount_requested": money_text(application.amount_requested)}

    def layout(self):
        return [Field.text("amount_requested", field_width=10)]


class RowForm(forms.Form):
    """One row of a section's rows; every box may be left empty (an empty row is dropped)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.helper = helper_for(*self.row_layout())

    def row_layout(self) -> list:
        return [Field.text(name) for name in self.fields]

    def is_empty(self) -> bool:
        return not any((self[name].value() or "").strip() for name in self.fields)


class BudgetLineForm(RowForm):
    description = forms.CharField(
        label="What it pays for",
        max_length=200,
        help_text="For example, youth worker, 6 hours a week",
    )
    amount = forms.CharField(
        label="Amount, in pounds",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["description"], "What the line pays for")
        limit_text(self.fields["amount"], "The amount")

    def row_layout(self):
        return [Field.text("description"), Field.text("amount", field_width=10)]

    def line(self) -> tuple[str, str]:
        return (
            self.cleaned_data.get("description", ""),
            _normalise_money(self.cleaned_data.get("amount", "")),
        )


class ConsortiumMemberForm(RowForm):
    organisation_name = forms.CharField(
        label="Organisation's name", max_length=_model_max("organisation_name", ConsortiumMember)
    )
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "Select the kind of organisation"), *Organisation.Kind.choices],
        error_messages={"invalid_choice": "Select the kind of organisation from the list"},
    )
    charity_number = forms.CharField(
        label="Charity number (if it has one)",
        max_length=_model_max("charity_number", ConsortiumMember),
    )
    company_number = forms.CharField(
        label="Company number (if it has one)",
        max_length=_model_max("company_number", ConsortiumMember),
    )
    role = forms.CharField(
        label="What it does in the project",
        max_length=_model_max("role", ConsortiumMember),
        help_text="For example, runs the evening sessions in Telford",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["organisation_name"], "The organisation's name")
        limit_text(self.fields["charity_number"], "The charity number")
        limit_text(self.fields["company_number"], "The company number")
        limit_text(self.fields["role"], "What it does")

    def row_layout(self):
        return [
            Field.text("organisation_name"),
            Field.select("organisation_kind"),
            Field.text("charity_number", field_width=10),
            Field.text("company_number", field_width=10),
            Field.text("role"),
        ]

    def member(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


BudgetLineFormSet = formset_factory(
    BudgetLineForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
)
ConsortiumMemberFormSet = formset_factory(
    ConsortiumMemberForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
)


@dataclass(frozen=True)
class Rows:
    """A section's rows: the formset class, its prefix, and how the service names a row's
    messages (the key's start, and which field each message belongs beside)."""

    formset: type
    prefix: str
    key: str
    messages: Mapping[str, str]  # message template -> the field it belongs beside

    def initial(self, application: Application) -> list[dict]:
        if self is BUDGET_ROWS:
            return [
                {"description": line.description, "amount": money_text(line.amount)}
                for line in application.budget_lines.all()
            ]
        return [
            {name: getattr(member, name) for name in ConsortiumMemberForm.base_fields}
            for member in application.consortium_members.all()
        ]

    def unbound(self, application: Application):
        """The rows the draft holds, and an empty one to fill in when there are none."""
        rows = self.initial(application) or [{}]
        return self.formset(initial=rows, prefix=self.prefix)

    def bound(self, data, *, add: bool = False):
        """The rows as typed, empty ones dropped (numbered as the service numbers them), with
        one more empty row when the person asked for another."""
        fields = list(self.formset.form.base_fields)
        try:
            total = int(data.get(f"{self.prefix}-TOTAL_FORMS", 0))
        except (TypeError, ValueError):
            total = 0
        rows = []
        for index in range(max(0, min(total, MAX_ROWS))):
            row = {name: data.get(f"{self.prefix}-{index}-{name}", "") for name in fields}
            if any(str(value).strip() for value in row.values()):
                rows.append(row)
        if add and len(rows) < MAX_ROWS or not rows:
            rows.append(dict.fromkeys(fields, ""))
        compacted = {
            f"{self.prefix}-TOTAL_FORMS": str(len(rows)),
            f"{self.prefix}-INITIAL_FORMS": "0",
            f"{self.prefix}-MIN_NUM_FORMS": "0",
            f"{self.prefix}-MAX_NUM_FORMS": str(MAX_ROWS),
        }
        for index, row in enumerate(rows):
            for name, value in row.items():
                compacted[f"{self.prefix}-{index}-{name}"] = value
        return self.formset(data=compacted, prefix=self.prefix)

    def add_service_errors(self, formset, error: ValidationError) -> None:
        """Put each row's messages (`line_2`, `member_1` ...) beside the box they are about."""
        forms_by_number = dict(enumerate(formset.forms, start=1))
        for key, messages in error.message_dict.items():
            if not key.startswith(self.key):
                continue
            try:
                number = int(key.removeprefix(self.key))
            except ValueError:
                continue
            form = forms_by_number.get(number)
            if form is None:
                continue
            for message in messages:
                form.add_error(self._field_for(message, number, form), message)

    def _field_for(self, message: str, number: int, form) -> str | None:
        for template, field in self.messages.items():
            if message == template.format(n=number):
                return field if field in form.fields else None
        return None


BUDGET_ROWS = Rows(
    BudgetLineFormSet,
    "lines",
    "line_",
    {BUDGET_LINE_DESCRIPTION: "description", BUDGET_LINE_AMOUNT: "amount"},
)
CONSORTIUM_ROWS = Rows(
    ConsortiumMemberFormSet,
    "members",
    "member_",
    {
        MEMBER_NAME_REQUIRED: "organisation_name",
        "Enter the member organisation's name": "organisation_name",
        CHARITY_FORMAT: "charity_number",
        COMPANY_FORMAT: "company_number",
    },
)


def filled_rows(formset) -> list:
    return [form for form in formset.forms if not form.is_empty()]


# --- Sending -----------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label="I confirm that the information in this application is true and complete, that "
        "I may apply on behalf of the organisation, and that it will tell you if anything "
        "changes",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper_for(Field.checkbox("declaration"))


SECTION_FORMS = {
    ORGANISATION.key: OrganisationForm,
    CONTACT.key: ContactForm,
    SAFEGUARDING.key: SafeguardingForm,
    PROJECT.key: ProjectForm,
    AREAS_AND_DATES.key: AreasAndDatesForm,
    FUNDING_AND_OUTCOMES.key: FundingAndOutcomesForm,
    QUESTIONS.key: QuestionsForm,
}
