"""Forms for ambassadors and staff. They turn input into values; the rules live in services.py."""

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_texts
from pcc_portal.models import PolicingArea

from .models import (
    CONTACT_DATE_LIMITS,
    ISSUE_DETAILS_MAX_LENGTH,
    ActivityArea,
    Contact,
    EngagementLevel,
    Organisation,
    RaisedIssue,
    RaisedIssueTransition,
    ReachedGroup,
)
from .services import ContactAnswers, check_contact_answers


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ContactForm(forms.Form):
    occurred_on = GovukDateField(
        label="When was it?", help_text="For example, 27 3 2026", **CONTACT_DATE_LIMITS
    )
    policing_area = forms.ModelChoiceField(
        label="Policing area",
        queryset=PolicingArea.objects.all(),
        empty_label=None,
        error_messages={"required": "Select the policing area"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not an organisation",
    )
    who = forms.CharField(
        label="Who did you meet?",
        help_text="If not an organisation, for example parents at the school gate",
        required=False,
        max_length=255,
    )
    place = forms.CharField(label="Where (optional)", required=False, max_length=200)
    people_reached = forms.IntegerField(
        label="How many people did you reach?",
        # GOV.UK asks for a text input with a numeric keypad, not type=number.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": "Enter how many people you reached",
            "invalid": "Enter how many people you reached as a number, like 12",
            "min_value": "People reached must be 1 or more",
            "max_value": "People reached must be 100,000 or fewer",
        },
    )
    method = forms.ChoiceField(
        label="How did you engage?",
        choices=Contact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you engaged"},
    )
    engagement_level = forms.ModelChoiceField(
        label="Level of engagement",
        queryset=EngagementLevel.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the level of engagement"},
    )
    activity_areas = forms.ModelMultipleChoiceField(
        label="Which activity areas did it cover?",
        queryset=ActivityArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one activity area"},
    )
    groups_reached = forms.ModelMultipleChoiceField(
        label="Groups reached (optional)",
        queryset=ReachedGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    topics = forms.CharField(label="Topics (optional)", required=False, max_length=255)
    issues_raised = forms.CharField(
        label="Issues raised (optional)",
        required=False,
        max_length=Contact._meta.get_field("issues_raised").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    raise_with_commissioner = forms.BooleanField(
        label="Raise an issue with the Commissioner", required=False
    )
    raise_summary = forms.CharField(
        label="Summary for the Commissioner",
        help_text="One or two sentences. Needed if you raise an issue.",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    # The GOV.UK message for text over its limit names the field as the person reads it.
    TEXT_NAMES = {
        "who": "Who you met",
        "place": "Where",
        "topics": "Topics",
        "issues_raised": "Issues raised",
        "raise_summary": "The summary",
    }

    def __init__(self, *args, organisations=None, holder_title="Commissioner", **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["raise_with_commissioner"].label = f"Raise an issue with the {holder_title}"
        self.fields["raise_summary"].label = f"Summary for the {holder_title}"
        limit_texts(self, self.TEXT_NAMES)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("occurred_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.select("policing_area"),
            Field.select("organisation"),
            Field.text("who"),
            Field.text("place"),
            Field.text("people_reached", field_width=Fixed.FIVE),
            Field.radios("method", small=True, legend_size=Size.SMALL),
            Field.radios("engagement_level", small=True, legend_size=Size.SMALL),
            Field.checkboxes("activity_areas", small=True, legend_size=Size.SMALL),
            Field.checkboxes("groups_reached", small=True, legend_size=Size.SMALL),
            Field.text("topics"),
            character_count(self, "issues_raised", rows=3),
            Fieldset(
                Field.checkbox("raise_with_commissioner", small=True),
                character_count(self, "raise_summary", rows=2),
                legend=f"The {holder_title}",
                legend_size=Size.SMALL,
            ),
            Field("submission_key"),
            Submit("save", "Save contact"),
        )

    def clean(self):
        """Ask the service's rules of whatever answers are good, beside the fields' own errors,
        so every problem shows in one round."""
        cleaned_data = super().clean()
        try:
            check_contact_answers(values=cleaned_data)
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned_data

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()

    def answers(self) -> ContactAnswers:
        return ContactAnswers.from_input(self.cleaned_data)

    @classmethod
    def initial_for(
        cls, ambassador, contact: Contact | None = None, *, key: uuid.UUID | None = None
    ) -> dict:
        """A new contact's defaults, under `key` (a new one if none is given); or a stored
        contact's answers, to change it."""
        if contact is None:
            return {
                "occurred_on": timezone.localdate(),
                "policing_area": ambassador.policing_area_id,
                "people_reached": None,
                "submission_key": key or cls.new_key(),
            }
        issue = getattr(contact, "raised_issue", None)
        return {
            "occurred_on": contact.occurred_on,
            "policing_area": contact.policing_area_id,
            "organisation": contact.organisation_id,
            "who": contact.who,
            "place": contact.place,
            "people_reached": contact.people_reached,
            "method": contact.method,
            "engagement_level": contact.engagement_level_id,
            "activity_areas": list(contact.activity_areas.all()),
            "groups_reached": list(contact.groups_reached.all()),
            "topics": contact.topics,
            "issues_raised": contact.issues_raised,
            "raise_with_commissioner": issue is not None,
            "raise_summary": issue.summary if issue else "",
        }


def https_by_default(field, **kwargs):
    """A web address typed without a scheme is taken as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        formfield_callback = https_by_default
        fields = [
            "name",
            "kind",
            "policing_areas",
            "website",
            "contact_name",
            "email",
            "phone",
            "consent_basis",
            "charity_number",
            "company_number",
            "address",
            "notes",
        ]
        widgets = {
            "policing_areas": forms.CheckboxSelectMultiple,
            # A text input (which crispy-forms-gds styles) that the browser still treats as
            # a web address: the right keyboard on a phone, no spelling marks.
            "website": forms.TextInput(
                attrs={"input_type": "url", "spellcheck": "false", "autocomplete": "url"}
            ),
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "kind": {"required": "Select what kind of organisation it is"},
            "website": {
                "invalid": "Enter a web address in the correct format, like www.example.org"
            },
        }
        help_texts = {
            "charity_number": "For example, 1123456, SC012345 in Scotland or NIC100012 in "
            "Northern Ireland",
            "company_number": "For example, 01234567 or SC123456",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policing_areas"].required = False
        self.fields["kind"].choices = [
            ("", "Select the kind of organisation"),
            *Organisation.Kind.choices,
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.select("kind"),
            Field.checkboxes("policing_areas", small=True, legend_size=Size.SMALL),
            Field.text("website"),
            Field.text("contact_name"),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Field.radios("consent_basis", small=True, legend_size=Size.SMALL),
            Field.text("charity_number", field_width=Fluid.ONE_THIRD),
            Field.text("company_number", field_width=Fluid.ONE_THIRD),
            character_count(self, "address", rows=3),
            character_count(self, "notes", rows=3),
            Submit("save", "Add organisation"),
        )


class IssueMoveForm(forms.Form):
    to = forms.ChoiceField(
        label="Move the issue to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has happened to the issue"},
    )
    answer = forms.CharField(
        label="Answer",
        help_text="What the ambassador will be told. Needed to mark the issue answered.",
        required=False,
        max_length=RaisedIssue._meta.get_field("answer").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        max_length=RaisedIssueTransition._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, issue, moves, **kwargs):
        """`moves`: the workflow's moves out of the issue's state that this person may make."""
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(move.target, move.action) for move in moves]
        self.fields["answer"].initial = issue.answer
        if issue.contact_id is None:
            # Logged by the office: no ambassador is told; whoever raised it is answered
            # outside the portal.
            answer = self.fields["answer"]
            answer.help_text = "The answer, for the record. Needed to mark the issue answered."
        limit_texts(self, {"answer": "The answer", "note": "The note"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("to", small=True, legend_size=Size.MEDIUM),
            character_count(self, "answer", rows=4),
            character_count(self, "note", rows=2),
            Submit("move", "Save"),
        )


class IssueLogForm(forms.Form):
    """An issue the office heard of other than from an ambassador (log_issue)."""

    summary = forms.CharField(
        label="Summary of the issue",
        help_text="One or two sentences, as the queue will show it",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter a short summary of the issue"},
    )
    source = forms.ChoiceField(
        label="Where did the issue come from?",
        # An ambassador raises theirs from the contact it came from, not here.
        choices=[
            (value, label)
            for value, label in RaisedIssue.Source.choices
            if value != RaisedIssue.Source.AMBASSADOR_CONTACT
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the issue came from"},
    )
    raised_by_name = forms.CharField(
        label="Who raised it (optional)",
        help_text="For example, a resident's name or the parish council",
        required=False,
        max_length=150,
    )
    raised_by_contact = forms.CharField(
        label="How to reach them (optional)",
        help_text="An email address, phone number or postal address, if they gave one",
        required=False,
        max_length=255,
    )
    details = forms.CharField(
        label="Details (optional)",
        help_text="What was said or written, and anything the office has done so far",
        required=False,
        max_length=ISSUE_DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(
            self,
            {
                "summary": "Summary",
                "raised_by_name": "Who raised it",
                "raised_by_contact": "How to reach them",
                "details": "Details",
            },
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            character_count(self, "summary", rows=2),
            Field.radios("source", small=True, legend_size=Size.MEDIUM),
            Field.text("raised_by_name"),
            Field.text("raised_by_contact"),
            character_count(self, "details", rows=5),
            Submit("log", "Log the issue"),
        )
