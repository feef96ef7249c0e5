"""The public's answers to a consultation: one form built from its questions.

The form turns what was typed into the typed answers `answering.submit_response` takes, and asks
the service's own rules (required, "show only if", limits) in `clean()`, so the person sees every
problem in one round. It works without JavaScript: every question is shown, and one that depends
on an earlier answer says so in its hint.
"""

import uuid
from datetime import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import escape, format_html

from pcc_portal.limits import character_count, too_long
from pcc_portal.models import PolicingArea
from pcc_portal.public_cache import remember

from .answering import (
    BAD_EMAIL,
    EMAIL_MAX,
    LONG_TEXT_MAX,
    NOT_A_NUMBER,
    NOT_AN_OPTION,
    NUL_CHARACTER,
    NUMBER_TOO_BIG,
    ORGANISATION_MAX,
    SHORT_TEXT_MAX,
    TOO_MANY_PLACES,
    EmailAnswer,
    Place,
    Respondent,
    check_answers,
    field_name,
    questions_to_ask,
)
from .models import Consultation, Question, Response
from .signals import CONSULTATIONS
from .tokens import issue_token, read_token

YES, NO = "yes", "no"
CHOOSE_PLACE = "Select where you live"
CONDITION_HINT = "Answer this if you answered {answers} to question {number}."
# Long enough for any number a person means; refuses a megabyte of digits before parsing it.
LONGEST_NUMBER = 40

LEGEND = Size.MEDIUM


def place_choices() -> list:
    """Decision 4: the policing areas and their local authorities, then "outside the area" and
    "prefer not to say". An area served by one council is one choice; a county spanning two
    areas is left out, its districts being listed under their areas. Drawn on every form shown
    and sent, so kept until an area or an authority changes."""
    return remember("consultation-places", [CONSULTATIONS], _place_choices)


def _place_choices() -> list:
    choices: list = [("", str(CHOOSE_PLACE))]
    for area in PolicingArea.objects.prefetch_related("local_authorities"):
        authorities = list(area.local_authorities.all())
        if len(authorities) == 1:
            options = [(f"authority:{authorities[0].pk}", area.name)]
        elif not authorities:
            options = [(f"area:{area.pk}", area.name)]
        else:
            options = [(f"area:{area.pk}", f"{area.name}: not sure which council")]
            options += [(f"authority:{authority.pk}", authority.name) for authority in authorities]
        choices.append((area.name, options))
    choices += [
        (Response.Whereabouts.OUTSIDE.value, str(Response.Whereabouts.OUTSIDE.label)),
        (Response.Whereabouts.PREFER_NOT.value, str(Response.Whereabouts.PREFER_NOT.label)),
    ]
    return choices


class NumberAnswerField(forms.DecimalField):
    """A number as people type it: "1,250" and " 12 " are numbers too."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace(" ", "")
            if len(value) > LONGEST_NUMBER:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _yes_no(value: str) -> bool:
    return value == YES


class HoneypotField(forms.CharField):
    """The field people never see and machines fill in. Whatever is in it only ever flags the
    response (decision 20): a length or a character checked here would send a suspect response
    back with an error, refusing it and showing the machine what was noticed."""

    def run_validators(self, value):
        return None


class ResponseForm(forms.Form):
    """ResponseForm(consultation, data=None) -> one field per question, named q<id>.

    With tokens_in_layout=False the helper draws no <form> tag and leaves out the one-time
    token, so the questions' markup can be cached: the page then renders the CSRF token and
    `{{ form.form_token }}` itself, per request.
    """

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # A field people never see and machines fill in (decision 20): flagged, never refused.
    website = HoneypotField(
        label="Leave this blank",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, consultation: Consultation, *args, tokens_in_layout: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.questions = questions_to_ask(consultation)
        self.numbers = {question.pk: n for n, question in enumerate(self.questions, start=1)}
        self.token: uuid.UUID | None = None
        self.token_issued_at: datetime | None = None
        self._answers: dict[int, object] = {}
        # The question fields come first, so the error summary lists them in order.
        special = {name: self.fields.pop(name) for name in ("form_token", "website")}
        layout = [self._add_question(question) for question in self.questions]
        self.fields.update(special)
        if not self.is_bound:
            self.initial["form_token"] = issue_token(consultation)

        self.helper = FormHelper()
        self.helper.form_tag = tokens_in_layout
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *layout,
            # Out of sight, out of the tab order and unheard by screen readers; machines that
            # fill in every field fill this one too.
            Div(
                Field.text("website", autocomplete="off", tabindex="-1"),
                css_class="govuk-visually-hidden",
                aria_hidden="true",
            ),
            *([Field("form_token")] if tokens_in_layout else []),
            Submit("send", "Send your response"),
        )

    # --- building ---------------------------------------------------------------------------

    def _hint(self, question: Question) -> str:
        parts = []
        if question.show_if_question_id and question.show_if_question_id in self.numbers:
            labels = [f"“{option.label}”" for option in question.show_if_options.all()]
            answers = " or ".join(labels) if labels else "anything"
            parts.append(
                CONDITION_HINT.format(
                    answers=answers, number=self.numbers[question.show_if_question_id]
                )
            )
        if question.help_text:
            parts.append(question.help_text)
        # The GOV.UK templates print hints and labels as they are: escape what staff typed.
        return escape(" ".join(parts))

    def _add_question(self, question: Question):
        number = self.numbers[question.pk]
        name = field_name(question)
        label = format_html("{}. {}", number, question.text)
        common = {"label": label, "help_text": self._hint(question), "required": False}
        wrong = {"invalid_choice": NOT_AN_OPTION.format(number=number)}
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.SCALE):
            items = question.options.all() if kind == Question.Kind.SINGLE_CHOICE else []
            if kind == Question.Kind.SCALE and question.scale:
                items = question.scale.points.all()
            self.fields[name] = forms.TypedChoiceField(
                choices=[(item.pk, item.label) for item in items],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages=wrong,
                **common,
            )
            return Field.radios(name, legend_size=LEGEND)
        if kind == Question.Kind.MULTIPLE_CHOICE:
            self.fields[name] = forms.TypedMultipleChoiceField(
                choices=[(option.pk, option.label) for option in question.options.all()],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages=wrong,
                **common,
            )
            return Field.checkboxes(name, legend_size=LEGEND)
        if kind == Question.Kind.YES_NO:
            self.fields[name] = forms.TypedChoiceField(
                choices=[(YES, "Yes"), (NO, "No")],
                coerce=_yes_no,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages=wrong,
                **common,
            )
            # Not inline: this crispy-forms-gds template drops govuk-radios for inline radios.
            return Field.radios(name, legend_size=LEGEND)
        if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            limit = SHORT_TEXT_MAX if kind == Question.Kind.SHORT_TEXT else LONG_TEXT_MAX
            self.fields[name] = forms.CharField(
                max_length=limit,
                widget=forms.Textarea(attrs={"rows": 5})
                if kind == Question.Kind.LONG_TEXT
                else forms.TextInput,
                error_messages={
                    "max_length": too_long("Your answer", limit),
                    "null_characters_not_allowed": NUL_CHARACTER,
                },
                **common,
            )
            if kind == Question.Kind.LONG_TEXT:
                return character_count(self, name, rows=5, label_size=LEGEND)
            return Field.text(name, label_size=LEGEND)
        if kind == Question.Kind.NUMBER:
            self.fields[name] = NumberAnswerField(
                max_digits=14,
                decimal_places=2,
                # GOV.UK asks for a text input with a numeric keypad, not type=number.
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                error_messages={
                    "invalid": NOT_A_NUMBER,
                    "max_digits": NUMBER_TOO_BIG,
                    "max_whole_digits": NUMBER_TOO_BIG,
                    "max_decimal_places": TOO_MANY_PLACES,
                },
                **common,
            )
            return Field.text(name, label_size=LEGEND, field_width=Fixed.TEN)
        if kind == Question.Kind.WHERE_YOU_LIVE:
            self.fields[name] = forms.ChoiceField(
                choices=place_choices(), error_messages=wrong, **common
            )
            return Field(name, context={"label_size": Size.for_label(LEGEND)})
        if kind == Question.Kind.RESPONDENT_TYPE:
            self.fields[name] = forms.ChoiceField(
                choices=Response.RespondentType.choices,
                widget=forms.RadioSelect,
                error_messages=wrong,
                **common,
            )
            organisation = field_name(question, "organisation")
            self.fields[organisation] = forms.CharField(
                label="Name of the organisation",
                help_text="If you are responding on behalf of an organisation",
                required=False,
                max_length=ORGANISATION_MAX,
                error_messages={
                    "max_length": too_long("The organisation's name", ORGANISATION_MAX),
                    "null_characters_not_allowed": NUL_CHARACTER,
                },
            )
            return Div(
                Field.radios(name, legend_size=LEGEND),
                Field.text(organisation, autocomplete="organization"),
            )
        if kind == Question.Kind.EMAIL:
            self.fields[name] = forms.EmailField(
                max_length=EMAIL_MAX,
                widget=forms.TextInput(
                    attrs={"input_type": "email", "autocomplete": "email", "spellcheck": "false"}
                ),
                error_messages={
                    "invalid": BAD_EMAIL,
                    "max_length": BAD_EMAIL,
                    "null_characters_not_allowed": NUL_CHARACTER,
                },
                **common,
            )
            feedback = field_name(question, "feedback")
            self.fields[feedback] = forms.BooleanField(
                label="Tell me the outcome of this consultation", required=False
            )
            return Div(Field.text(name, label_size=LEGEND), Field.checkbox(feedback))
        raise ValueError(f"a question of an unknown type: {kind}")

    # --- cleaning ---------------------------------------------------------------------------

    def _typed(self, question: Question):
        """The question's answer as the service takes it, from fields that passed their own
        checks; None for unanswered or failed ones."""
        name = field_name(question)
        if name not in self.cleaned_data:
            return None
        value = self.cleaned_data[name]
        kind = question.kind
        if kind == Question.Kind.WHERE_YOU_LIVE:
            return Place.from_code(value) if value else None
        if kind == Question.Kind.RESPONDENT_TYPE:
            organisation = self.cleaned_data.get(field_name(question, "organisation"), "")
            return Respondent(type=value, organisation=organisation) if value else None
        if kind == Question.Kind.EMAIL:
            feedback = self.cleaned_data.get(field_name(question, "feedback"), False)
            if not value and not feedback:
                return None
            return EmailAnswer(address=value or "", wants_feedback=feedback)
        return value

    def _read_token(self) -> None:
        """cleaned_data["form_token"] becomes (uuid, issued_at). A bad token is told at the top
        of the page: the error summary lists no hidden field."""
        try:
            read = read_token(self.cleaned_data.pop("form_token", None), self.consultation)
        except ValidationError as error:
            self.add_error(None, error)
            # A fresh token, so that sending the corrected form again works.
            self.data = self.data.copy()
            self.data[self.add_prefix("form_token")] = issue_token(self.consultation)
        else:
            self.token, self.token_issued_at = self.cleaned_data["form_token"] = read

    def clean(self):
        cleaned_data = super().clean()
        self._read_token()
        answers = {}
        for question in self.questions:
            value = self._typed(question)
            if value is not None and value != [] and value != "":
                answers[question.pk] = value
        try:
            self._answers = check_answers(
                consultation=self.consultation, answers=answers, questions=self.questions
            )
        except ValidationError as error:
            self.add_service_errors(error)
        return cleaned_data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors beside the fields they name, the rest at the top; a field
        already showing its own error is not told twice."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            if name == NON_FIELD_ERRORS or name not in self.fields:
                self.add_error(None, messages)
            elif name not in self.errors:
                self.add_error(name, messages)

    # --- what the service takes ---------------------------------------------------------------

    def answers(self) -> dict[int, object]:
        """The answers that count, by question id, typed for answering.submit_response."""
        return dict(self._answers)

    @property
    def honeypot(self) -> str:
        return self.cleaned_data.get("website", "") if hasattr(self, "cleaned_data") else ""

    def submission(self) -> dict:
        """submit_response's keyword arguments that come from the form:
        submit_response(consultation=..., client_key=..., **form.submission())."""
        return {
            "answers": self.answers(),
            "form_token": self.token,
            "issued_at": self.token_issued_at,
            "honeypot": self.honeypot,
        }
