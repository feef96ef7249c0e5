"""The forms of the grants officers' case-working pages. Each turns what was typed into the values
a grants service takes; what is allowed (which move, how much, who decides) is the service's to
say, and its refusals are shown beside the fields they name (engagement.forms.add_service_errors).
"""

from decimal import Decimal, InvalidOperation

from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fixed,
    Layout,
    Size,
    Submit,
)
from django import forms
from django.core.exceptions import ValidationError

from engagement.models import ActivityArea, Organisation
from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_texts
from pcc_portal.models import PolicingArea

from .models import Application, Award, GrantScheme
from .models.applications import PROJECT_DATE_LIMITS

ELIGIBLE, INELIGIBLE = "eligible", "ineligible"
APPROVE, DECLINE = "approve", "decline"
NEW_ORGANISATION = "new"

ELIGIBLE_LABEL = "Eligible: it goes on to assessment"
INELIGIBLE_LABEL = "Not eligible"
APPROVE_LABEL = "Approve: make an award"
DECLINE_LABEL = "Decline"
NEW_ORGANISATION_LABEL = "A new organisation, made from the details the applicant typed"

AMOUNT_FORMAT = "Enter the amount in pounds, like 4500 or 4500.50"
AMOUNT_PENCE = "Enter the amount in pounds and pence, like 4500.50"
AMOUNT_TOO_LARGE = "Enter an amount under £10,000,000,000"


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class MoneyField(forms.DecimalField):
    """Pounds and pence as people type them: "£4,500", "4500.50". Never a float."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "invalid": AMOUNT_FORMAT,
                "max_decimal_places": AMOUNT_PENCE,
                "max_digits": AMOUNT_TOO_LARGE,
                "max_whole_digits": AMOUNT_TOO_LARGE,
            }
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
            if len(value) > 20:
                raise ValidationError(AMOUNT_FORMAT, code="invalid")
            try:
                Decimal(value or "0")
            except InvalidOperation:
                raise ValidationError(AMOUNT_FORMAT, code="invalid") from None
        return super().to_python(value)


class LegendRadios(ConditionalRadios):
    """Radios that reveal more questions, with a medium legend (crispy-forms-gds gives its
    conditional radios no way to size the legend)."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        context.update({"legend_size": Size.for_legend(Size.MEDIUM)})
        return super().render(form, context, template_pack, **kwargs)


def _helper(*fields, submit: str, warning: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    css = "govuk-button--warning" if warning else ""
    helper.layout = Layout(*fields, Submit("submit", submit, css_class=css))
    return helper


def _small_legend() -> dict:
    return {"legend_size": Size.for_legend(Size.SMALL)}


def _text(label: str, *, max_length: int, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EligibilityForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Is the application eligible?",
        choices=[(ELIGIBLE, ELIGIBLE_LABEL), (INELIGIBLE, INELIGIBLE_LABEL)],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the application is eligible",
            "invalid_choice": "Select whether the application is eligible",
        },
    )
    reason = _text(
        "Why it is not eligible",
        help_text="The applicant is told this",
        max_length=_max_length(Application, "outcome_reason"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(self, {"reason": "The reason"})
        self.helper = _helper(
            LegendRadios(
                "outcome",
                ELIGIBLE_LABEL,
                ConditionalQuestion(INELIGIBLE_LABEL, character_count(self, "reason", rows=5)),
            ),
            submit="Record the eligibility check",
        )

    @property
    def eligible(self) -> bool:
        return self.cleaned_data["outcome"] == ELIGIBLE


class LinkOrganisationForm(forms.Form):
    """The officer confirms the organisation on record (or chooses among several with the same
    number); an organisation's record is never changed here."""

    organisation = forms.ChoiceField(
        label="Which organisation on record is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select one of the organisations listed",
        },
    )

    def __init__(self, *args, candidates: list[Organisation], may_add: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(o.pk): o for o in candidates}
        choices = [(pk, f"{o.name} ({o.org_id})") for pk, o in self.candidates.items()]
        if may_add:
            choices.append((NEW_ORGANISATION, NEW_ORGANISATION_LABEL))
        field = self.fields["organisation"]
        field.choices = choices
        if len(choices) == 1:
            # Nothing to choose: the page shows the one organisation, the officer confirms it.
            field.widget = forms.HiddenInput()
            field.initial = choices[0][0]
            layout = [Field("organisation")]
        else:
            layout = [Field.radios("organisation", legend_size=Size.MEDIUM)]
        self.helper = _helper(*layout, submit="Link the application")

    def chosen(self) -> Organisation | None:
        """The organisation chosen; None to add one from the application's details."""
        return self.candidates.get(self.cleaned_data["organisation"])


class RecommendForm(forms.Form):
    recommended_amount = MoneyField(
        label="Amount recommended (£)",
        help_text="Within the round's limits, and no more than was asked for",
    )
    recommendation = _text(
        "Why it is recommended",
        help_text="For the decision maker; kept in the application's history",
        max_length=_max_length(Application, "recommendation"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(self, {"recommendation": "The recommendation"})
        self.helper = _helper(
            Field.text("recommended_amount", field_width=Fixed.TEN),
            character_count(self, "recommendation", rows=6),
            submit="Recommend for funding",
        )


class DecisionForm(forms.Form):
    """Approve (with the amount, conditions and reasons) or decline (with the reason). The
    Commissioner or Deputy decides in their own name, today; an officer recording their decision
    says who made it and when."""

    outcome = forms.ChoiceField(
        label="What was decided?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the application is approved or declined",
            "invalid_choice": "Select whether the application is approved or declined",
        },
    )
    amount = MoneyField(label="Amount awarded (£)")
    conditions = _text(
        "Conditions of the grant",
        help_text="As the offer letter states them; published with the grant",
        max_length=_max_length(Award, "conditions"),
    )
    reasons = _text(
        "Why the grant is made",
        help_text="Published with the grant",
        max_length=_max_length(Award, "reasons"),
    )
    starts_on = GovukDateField(
        label="Start date",
        help_text="Leave empty for the project's own start date",
        name="Start date",
        required=False,
        **PROJECT_DATE_LIMITS,
    )
    ends_on = GovukDateField(
        label="End date",
        help_text="Leave empty for the project's own end date",
        name="End date",
        required=False,
        **PROJECT_DATE_LIMITS,
    )
    yearly_instalments = forms.TypedChoiceField(
        label="How is it paid?",
        choices=[(1, "In one payment")] + [(n, f"In {n} yearly instalments") for n in (2, 3, 4, 5)],
        coerce=int,
        initial=1,
        required=False,
        help_text=(
            "More than one makes a multi-year award: each later instalment is held until the "
            "monitoring report due before it is accepted"
        ),
    )
    reason = _text(
        "Why it is declined",
        help_text="The applicant is told this",
        max_length=_max_length(Application, "outcome_reason"),
    )
    decided_by = forms.CharField(
        label="Who made the decision",
        max_length=_max_length(Award, "decided_by"),
        required=False,
    )
    decided_on = GovukDateField(
        label="Date of the decision",
        help_text="For example, 20 11 2015",
        name="Date of the decision",
        required=False,
        not_in_future=True,
        earliest=PROJECT_DATE_LIMITS["earliest"],
    )

    def __init__(
        self, *args, may_approve: bool, may_decline: bool, in_person: bool, office=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = []
        if may_approve:
            choices.append((APPROVE, APPROVE_LABEL))
        if may_decline:
            choices.append((DECLINE, DECLINE_LABEL))
        self.fields["outcome"].choices = choices
        limit_texts(
            self,
            {
                "conditions": "The conditions",
                "reasons": "The reasons",
                "reason": "The reason",
                "decided_by": "Who made the decision",
            },
        )
        revealed = []
        if may_approve:
            revealed.append(
                ConditionalQuestion(
                    APPROVE_LABEL,
                    Field.text("amount", field_width=Fixed.TEN),
                    character_count(self, "conditions", rows=6),
                    character_count(self, "reasons", rows=5),
                    Field("starts_on", context=_small_legend()),
                    Field("ends_on", context=_small_legend()),
                    Field.select("yearly_instalments"),
                )
            )
        if may_decline:
            revealed.append(
                ConditionalQuestion(DECLINE_LABEL, character_count(self, "reason", rows=5))
            )
        layout = [LegendRadios("outcome", *revealed)]
        if in_person:
            del self.fields["decided_by"], self.fields["decided_on"]
        else:
            if office is not None and office.holder_name:
                example = f"{office.holder_name}, {office.holder_title}"
                self.fields["decided_by"].help_text = f"Their name and title, like {example}"
            else:
                self.fields["decided_by"].help_text = "Their name and title"
            layout += [Field.text("decided_by"), Field("decided_on", context=_small_legend())]
        self.helper = _helper(*layout, submit="Record the decision")

    @property
    def approved(self) -> bool:
        return self.cleaned_data["outcome"] == APPROVE

    def decision(self) -> dict:
        """The decision as record_decision takes it: only what belongs to the outcome chosen."""
        data = self.cleaned_data
        values = {
            "approve": self.approved,
            "decided_by": data.get("decided_by", ""),
            "decided_on": data.get("decided_on"),
        }
        if self.approved:
            values.update(
                amount=data.get("amount"),
                conditions=data.get("conditions", ""),
                reasons=data.get("reasons", ""),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                yearly_instalments=data.get("yearly_instalments") or 1,
            )
        else:
            values["reason"] = data.get("reason", "")
        return values


class WithdrawForm(forms.Form):
    reason = _text(
        "Why it is withdrawn (optional)",
        help_text="For example, the applicant asked to withdraw it. The applicant sees this",
        max_length=_max_length(Application, "outcome_reason"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(self, {"reason": "The reason"})
        self.helper = _helper(
            character_count(self, "reason", rows=4),
            submit="Withdraw the application",
            warning=True,
        )


class DirectAwardForm(forms.Form):
    """The office commissions a named organisation: the scheme that pays, the organisation on
    record, the project and the amount, ready for the decision. The service checks the rest."""

    scheme = forms.ModelChoiceField(
        label="Which scheme pays for it?",
        queryset=GrantScheme.objects.order_by("name"),
        empty_label="Select the scheme",
        error_messages={
            "required": "Select the scheme",
            "invalid_choice": "Select one of the schemes listed",
        },
    )
    organisation = forms.ModelChoiceField(
        label="Which organisation is commissioned?",
        help_text="An organisation on record; add one in the organisations pages first if needed",
        queryset=Organisation.objects.order_by("name", "pk"),
        empty_label="Select the organisation",
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select one of the organisations listed",
        },
    )
    project_title = forms.CharField(
        label="Project title",
        max_length=_max_length(Application, "project_title"),
        required=False,
    )
    project_summary = _text(
        "Summary",
        help_text="A few sentences; published with the grant",
        max_length=_max_length(Application, "project_summary"),
        rows=4,
    )
    amount_requested = MoneyField(label="Amount (£)")
    starts_on = GovukDateField(
        label="Start date",
        name="Start date",
        help_text="For example, 1 4 2016",
        **PROJECT_DATE_LIMITS,
    )
    ends_on = GovukDateField(
        label="End date",
        name="End date",
        help_text="For example, 31 3 2017",
        **PROJECT_DATE_LIMITS,
    )
    activity_area = forms.ModelChoiceField(
        label="Activity area (optional)",
        queryset=ActivityArea.objects.all(),
        required=False,
        empty_label="None",
    )
    policing_areas = forms.ModelMultipleChoiceField(
        label="Policing areas served (optional)",
        queryset=PolicingArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select policing areas from the list"},
    )
    recommendation = _text(
        "Why the office commissions it",
        help_text="For the decision maker; kept in the award's history",
        max_length=_max_length(Application, "recommendation"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_texts(
            self,
            {
                "project_title": "The project title",
                "project_summary": "The summary",
                "recommendation": "Why the office commissions it",
            },
        )
        self.helper = _helper(
            Field.select("scheme"),
            Field.select("organisation"),
            Field.text("project_title"),
            character_count(self, "project_summary", rows=4),
            Field.text("amount_requested", field_width=Fixed.TEN),
            Field("starts_on", context=_small_legend()),
            Field("ends_on", context=_small_legend()),
            Field.select("activity_area"),
            Field.checkboxes("policing_areas", legend_size=Size.SMALL, small=True),
            character_count(self, "recommendation", rows=5),
            submit="Recommend the direct award",
        )

    def award(self) -> dict:
        """What create_direct_award takes, from what was typed."""
        data = self.cleaned_data
        return {
            "scheme": data["scheme"],
            "organisation": data["organisation"],
            "project_title": data.get("project_title", ""),
            "project_summary": data.get("project_summary", ""),
            "amount": data.get("amount_requested"),
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "activity_area": data.get("activity_area"),
            "policing_areas": list(data.get("policing_areas") or []),
            "recommendation": data.get("recommendation", ""),
        }
