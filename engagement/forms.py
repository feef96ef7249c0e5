"""Forms for ambassadors and staff. They turn input into values; the rules live in services.py."""

import uuid

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pcc_portal.models import PolicingArea

from .models import ActivityArea, Contact, EngagementLevel, Organisation, ReachedGroup
from .services import ContactAnswers


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ContactForm(forms.Form):
    occurred_on = DateInputField(
        label="When was it?", help_text="For example, 27 3 2026", require_all_fields=False
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
        label="Issues raised (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
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

    def __init__(self, *args, organisations=None, holder_title="Commissioner", **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["raise_with_commissioner"].label = f"Raise an issue with the {holder_title}"
        self.fields["raise_summary"].label = f"Summary for the {holder_title}"
        self.fields["occurred_on"].error_messages.update(
            {"required": "Enter the date of the contact", "incomplete": "Enter the date in full"}
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("occurred_on", context={"legend_size": Size.SMALL}),
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
            Field.textarea("issues_raised"),
            Fieldset(
                Field.checkbox("raise_with_commissioner", small=True),
                Field.textarea("raise_summary"),
                legend=f"The {holder_title}",
                legend_size=Size.SMALL,
            ),
            Field("submission_key"),
            Submit("save", "Save contact"),
        )

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()

    def answers(self) -> ContactAnswers:
        return ContactAnswers.from_input(self.cleaned_data)

    @classmethod
    def initial_for(cls, ambassador, contact: Contact | None = None) -> dict:
        if contact is None:
            return {
                "occurred_on": timezone.localdate(),
                "policing_area": ambassador.policing_area_id,
                "people_reached": None,
                "submission_key": cls.new_key(),
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
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "kind": {"required": "Select what kind of organisation it is"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policing_areas"].required = False
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
            Field.textarea("address"),
            Field.textarea("notes"),
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
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, issue, moves, **kwargs):
        """`moves`: the workflow's moves out of the issue's state that this person may make."""
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(move.target, move.action) for move in moves]
        self.fields["answer"].initial = issue.answer
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("to", small=True, legend_size=Size.MEDIUM),
            Field.textarea("answer"),
            Field.textarea("note"),
            Submit("move", "Save"),
        )
