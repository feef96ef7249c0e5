"""The form of the "You said, we did" staff page. It turns what was typed into the values
consultations/outcomes.py takes; the rules (who writes what, when, how long) are the service's."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.text import capfirst

from pcc_portal.limits import character_count, limit_texts
from pcc_portal.models import Decision

from .models import Outcome

TEXTS = ("said", "decision", "shaped_by")
# What a Commissioner or Deputy may write: the rest is an engagement officer's.
DECISION_ONLY = ("decision", "decision_record")
NOT_LINKED = "Not linked to a decision yet"


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, decision: Decision) -> str:
        shown = f"{decision.reference}: {decision.title}"
        return shown if decision.is_public else f"{shown} (not yet public)"


def _text_field(name: str) -> forms.CharField:
    model_field = Outcome._meta.get_field(name)
    return forms.CharField(
        label=capfirst(model_field.verbose_name),
        help_text=model_field.help_text,
        max_length=model_field.max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class OutcomeForm(forms.Form):
    """Each part may be saved on its own; publishing asks that all three are written."""

    said = _text_field("said")
    decision = _text_field("decision")
    shaped_by = _text_field("shaped_by")
    decision_record = DecisionChoiceField(
        label="Decision in the register",
        help_text="The decision this outcome came from, as published in the decisions register",
        queryset=Decision.objects.newest_first(),
        required=False,
        empty_label=NOT_LINKED,
    )

    def __init__(self, *args, decision_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if decision_only:
            for name in set(self.fields) - set(DECISION_ONLY):
                del self.fields[name]
        limit_texts(
            self,
            {
                name: Outcome._meta.get_field(name).verbose_name
                for name in TEXTS
                if name in self.fields
            },
        )
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *(character_count(self, name, rows=6) for name in TEXTS if name in self.fields),
            Field.select("decision_record"),
            Submit("save", "Save outcome"),
        )
