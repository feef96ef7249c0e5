"""The optional "About you" section at the end of a consultation's form.

The section's fields join the response form, so that one error summary lists every problem and
the person sees them in one round; nothing in it is required. What the person chose is stored by
`equality.record_equality_answers`, apart from their answers to the consultation.

A consultation asks it unless its owner switched it off (`Consultation.asks_equality`), sensitive
ones too (decision 22 leaves out names and contact details, not monitoring): each question has
"Prefer not to say", and skipping the section stores nothing.
"""

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError

from engagement.models import ReachedGroup
from pcc_portal.public_cache import remember

from .equality import CHARACTERISTICS, GROUP_SIZE
from .models import EqualityAnswers
from .signals import CONSULTATIONS

PREFIX = "equality_"
PREFER_NOT = EqualityAnswers.YesNo.PREFER_NOT
LEGEND = "About you (optional)"
NOT_AN_OPTION = "Select one of the answers given for “{question}”"
GROUPS_OR_PREFER_NOT = "Select the groups you belong to, or select “Prefer not to say”, not both"
GROUPS_HINT = "Select all that apply."

INTRODUCTION = "".join(
    f'<p class="govuk-body">{paragraph}</p>'
    for paragraph in (
        "We ask these questions to check that we hear from everyone who lives in the area, "
        "and to find out whose views we are missing.",
        "You do not have to answer them. You can answer some and not others, or choose "
        "“Prefer not to say”. Your answers to the consultation count just the same.",
        "We keep these answers apart from your other answers, and very few people can see "
        f"them. We only ever report them as numbers for groups of {GROUP_SIZE} people or more, "
        "so nobody can be picked out.",
    )
)


def field_name(characteristic_field: str) -> str:
    return f"{PREFIX}{characteristic_field}"


class GroupsField(forms.MultipleChoiceField):
    """The groups reached the person belongs to, by id; "Prefer not to say" stands alone."""

    def clean(self, value):
        chosen = super().clean(value)
        if PREFER_NOT in chosen and len(chosen) > 1:
            raise ValidationError(GROUPS_OR_PREFER_NOT, code="groups_or_prefer_not")
        return [int(pk) for pk in chosen if pk != PREFER_NOT]


def _groups_offered() -> list[tuple[str, str]]:
    # Drawn on every form shown and every response sent; kept until a group changes.
    return remember(
        "consultation-groups-offered",
        [CONSULTATIONS],
        lambda: [(str(pk), label) for pk, label in ReachedGroup.objects.values_list("pk", "name")],
    )


def add_equality_section(form: forms.Form) -> None:
    """Add the section's fields to `form` and draw them last, just before its send button.

    The form's helper must have a layout whose last item is that button.
    """
    layout = []
    for characteristic in CHARACTERISTICS:
        name = field_name(characteristic.field)
        wrong = {"invalid_choice": NOT_AN_OPTION.format(question=characteristic.question)}
        if characteristic.choices is None:
            groups = _groups_offered()
            if not groups:
                continue
            form.fields[name] = GroupsField(
                label=characteristic.question,
                help_text=GROUPS_HINT,
                required=False,
                choices=[*groups, (PREFER_NOT.value, PREFER_NOT.label)],
                widget=forms.CheckboxSelectMultiple,
                error_messages=wrong,
            )
            layout.append(Field.checkboxes(name, legend_size=Size.SMALL))
        else:
            form.fields[name] = forms.ChoiceField(
                label=characteristic.question,
                required=False,
                choices=characteristic.choices.choices,
                widget=forms.RadioSelect,
                error_messages=wrong,
            )
            layout.append(Field.radios(name, legend_size=Size.SMALL))
    section = Fieldset(HTML(INTRODUCTION), *layout, legend=LEGEND, legend_size=Size.LARGE)
    form.helper.layout.fields.insert(len(form.helper.layout.fields) - 1, section)


def equality_answers(form: forms.Form) -> dict:
    """What a valid form's section holds, as `record_equality_answers` takes it: each
    characteristic's value ("" unanswered) and the groups' ids."""
    answers = {}
    for characteristic in CHARACTERISTICS:
        name = field_name(characteristic.field)
        empty = [] if characteristic.choices is None else ""
        answers[characteristic.field] = form.cleaned_data.get(name) or empty
    return answers
