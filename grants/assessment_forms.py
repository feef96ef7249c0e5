"""The forms of the staff pages for assessing applications and looking after awards, in the GOV.UK
patterns: every error at once, beside its field, in GOV.UK words, and what was typed kept.

They turn what was typed into what the services take. The rules (a score within its criterion's
range, an amount within the round's limits, a reason when one is needed, an underspend no more
than the award) are the services'; their refusals are shown beside the field they name
(`add_service_errors`).
"""

import re
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from pcc_portal.limits import character_count, limit_text

from .models import (
    Application,
    ApplicationTransition,
    AssessmentCriterion,
    Award,
    ConflictOfInterest,
    Instalment,
    MonitoringReport,
    Score,
)
from .workflow import ApplicationStatus

# Pounds and pence as people write them: "£2,450.50", "2450", "2450.5".
POUNDS = re.compile(r"^£?\s*(?P<amount>\d{1,10}(?:\.\d{1,2})?)$")
NOT_MONEY = "Enter {name} in pounds, like 2,450.50"
SCORE_NOT_A_NUMBER = "Enter a score for ‘{criterion}’ as a whole number from 0 to {top}"
SCORE_REQUIRED = "Enter a score for ‘{criterion}’"
NOTE_REQUIRED = "Enter what your interest in the application is"
DECISION_REQUIRED = "Select whether to accept the report or ask for more information"
PAGE_OUT_OF_DATE = "The page was out of date: look again and choose once more"
ACCEPT, MORE = "accept", "more_information"


def add_service_errors(form: forms.Form, error: ValidationError, keys=None) -> None:
    """Show a service's ValidationError beside the fields it names (through `keys`, the service's
    key to the form's field), the rest at the top."""
    keys = keys or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = keys.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


class MoneyField(forms.Field):
    """An amount in pounds as people type it ("£2,450.50"); blank is None. Whether the amount is
    right for its purpose is the service's question."""

    widget = forms.TextInput

    def __init__(self, *, name: str, **kwargs):
        self.name = name
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        return attrs

    def prepare_value(self, value):
        return f"{value:,.2f}" if isinstance(value, Decimal) else value

    def to_python(self, value):
        typed = str(value or "").strip().replace(",", "")
        if not typed:
            return None
        match = POUNDS.match(typed)
        if not match:
            raise ValidationError(NOT_MONEY.format(name=self.name))
        return Decimal(match["amount"]).quantize(Decimal("0.01"))


def _text(model, name: str, label: str, *, required=False, rows=4, **kwargs) -> forms.CharField:
    field = forms.CharField(
        label=label,
        max_length=model._meta.get_field(name).max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )
    return limit_text(field, label)


# --- Assessing ----------------------------------------------------------------------------------


class ScoreForm(forms.Form):
    """One score and one comment for each of the round's criteria, each in its own fieldset."""

    def __init__(self, *args, criteria: list[AssessmentCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment_limit = Score._meta.get_field("comment").max_length
        parts = []
        for criterion in criteria:
            score, comment = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            self.fields[score] = forms.CharField(
                label=f"Score, from 0 to {criterion.max_score}",
                max_length=10,
                error_messages={
                    "required": SCORE_REQUIRED.format(criterion=criterion.name),
                    "max_length": SCORE_NOT_A_NUMBER.format(
                        criterion=criterion.name, top=criterion.max_score
                    ),
                },
            )
            self.fields[score].widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
            self.fields[comment] = limit_text(
                forms.CharField(
                    label="Comment (optional)",
                    help_text="Why you gave this score: officers read it before recommending",
                    max_length=comment_limit,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                ),
                f"The comment on ‘{criterion.name}’",
            )
            times = "once" if criterion.weight == 1 else f"{criterion.weight} times"
            hint = f"Weight {criterion.weight}: the score counts {times}."
            if criterion.guidance:
                hint = f"{criterion.guidance} {hint}"
            self.fields[score].help_text = hint
            parts.append(
                Fieldset(
                    Field.text(score, field_width=Fixed.TWO),
                    character_count(self, comment, rows=3),
                    legend=criterion.name,
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*parts, Submit("save", "Save scores"))

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            typed = (cleaned.get(name) or "").strip()
            if name in self.errors or not typed:
                continue
            if not typed.isdigit():
                self.add_error(
                    name,
                    SCORE_NOT_A_NUMBER.format(criterion=criterion.name, top=criterion.max_score),
                )
            else:
                cleaned[name] = int(typed)
                # The model's own check of the range, so every problem shows at once; the
                # service asks it again when the scores are saved.
                try:
                    Score(criterion=criterion, score=cleaned[name]).clean()
                except ValidationError as error:
                    self.add_error(name, error.message_dict.get("score", error.messages))
        return cleaned

    def scores(self) -> dict[int, tuple[int, str]]:
        """{criterion id: (score, comment)}, as score_application takes them."""
        return {
            criterion.pk: (
                self.cleaned_data[f"score_{criterion.pk}"],
                self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }

    def service_keys(self) -> dict[str, str]:
        """The service names a criterion's problem `criterion_<id>`; it belongs by its score."""
        return {f"criterion_{c.pk}": f"score_{c.pk}" for c in self.criteria}

    @staticmethod
    def initial_from(scores) -> dict:
        initial = {}
        for score in scores:
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"comment_{score.criterion_id}"] = score.comment
        return initial


class ConflictForm(forms.Form):
    note = _text(
        ConflictOfInterest,
        "note",
        "What is your interest in the application?",
        required=True,
        help_text="For example, I am a trustee of the organisation, or a relative works there",
        error_messages={"required": NOTE_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(
            character_count(self, "note", rows=4),
            Submit("declare", "Declare a conflict of interest", css_class="govuk-button--warning"),
        )


class MoveForm(forms.Form):
    """A move of an application chosen from a list of them: which application, and where to."""

    application = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(
        choices=[(ApplicationStatus.ASSESSED, ApplicationStatus.ASSESSED.label)],
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            # Hidden fields: nothing to show beside them, only that the page was stale.
            self.errors.clear()
            raise ValidationError(PAGE_OUT_OF_DATE)
        return cleaned


class RecommendForm(forms.Form):
    recommended_amount = MoneyField(
        name="the amount recommended",
        label="Amount recommended (£)",
        help_text="Within the round's limits and no more than was asked for",
        error_messages={"required": "Enter the amount you recommend"},
    )
    recommendation = _text(
        Application,
        "recommendation",
        "Why it is recommended",
        help_text="For the decision: what the scores and the assessors' comments show",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        # The page wraps it: its form says which of the page's actions it is.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("recommended_amount", field_width=Fixed.TEN),
            character_count(self, "recommendation", rows=4),
            Submit("recommend", "Recommend for funding"),
        )


# --- After the award ----------------------------------------------------------------------------


class ReviewReportForm(forms.Form):
    decision = forms.ChoiceField(
        label="Is the report satisfactory?",
        choices=[
            (ACCEPT, "Yes, accept it"),
            (MORE, "No, ask the grantee for more information"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_REQUIRED},
    )
    officer_note = _text(
        MonitoringReport,
        "officer_note",
        "Note to the grantee",
        help_text="Needed when asking for more: say what is missing. The grantee is emailed it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, small=True),
            character_count(self, "officer_note", rows=4),
            Submit("review", "Save the review"),
        )


class InstalmentForm(forms.Form):
    """Release an instalment, or record it paid: which one, chosen by its button."""

    instalment = forms.ModelChoiceField(queryset=Instalment.objects.none())

    def __init__(self, *args, award: Award, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = award.instalments.all()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            self.errors.clear()
            raise ValidationError(PAGE_OUT_OF_DATE)
        return cleaned


def _underspend() -> MoneyField:
    return MoneyField(
        name="the underspend returned",
        label="Underspend returned (£)",
        help_text="Money the grantee did not spend and paid back, in all so far",
        error_messages={"required": "Enter the underspend returned, or 0"},
    )


class UnderspendForm(forms.Form):
    underspend_returned = _underspend()

    def __init__(self, *args, submit="Record the underspend", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("underspend_returned", field_width=Fixed.TEN),
            Submit("underspend", submit, css_class="govuk-button--secondary"),
        )


class CloseAwardForm(forms.Form):
    underspend_returned = _underspend()
    note = _text(
        ApplicationTransition,
        "note",
        "Note for the record (optional)",
        help_text="For example, the final report accepted and the last payment made",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("underspend_returned", field_width=Fixed.TEN),
            character_count(self, "note", rows=3),
            Submit("close", "Close the grant", css_class="govuk-button--warning"),
        )
