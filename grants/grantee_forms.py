"""The grantee's forms: accepting the offer of a grant, and a monitoring report.

The report form turns what was typed into what `monitoring.submit_monitoring_report` takes. The
optional beneficiary figures are counts per group (an age band, a gender, an ethnic group, a
disability group), never anything about one person: one number box per group, its groups those
of `BeneficiaryFigure.BANDS`. Whether the figures add up against the people reached is the
service's rule; what it refuses is shown beside the group of boxes it is about.
"""

import re
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from pcc_portal.limits import character_count, limit_text
from pcc_portal.uploads import validate_attachment

from .models import Attachment, BeneficiaryFigure, MonitoringReport
from .monitoring import NARRATIVE_REQUIRED, PEOPLE_REQUIRED

AGREE_REQUIRED = "Confirm that you agree to the conditions of the grant"
PEOPLE_NOT_A_NUMBER = "Enter how many people the grant reached as a whole number, like 40"
PEOPLE_TOO_MANY = "Enter a number of people under 10,000,000"
SPEND_NOT_MONEY = "Enter the amount spent in pounds, like 2,450.50"
FIGURE_NOT_A_COUNT = "Enter the number of people in “{band}” as a whole number, 0 or more"
FIGURE_TOO_MANY = "Enter a number of people in “{band}” under 10,000,000"
FILE_NAME_MAX_LENGTH = 200
EMPTY_FILE = "The selected file is empty"
FILE_NAME_TOO_LONG = f"The file's name must be {FILE_NAME_MAX_LENGTH} characters or fewer"
FILE_AGAIN = "Files are not kept when there is a problem: select your evidence again"

# Pounds and pence as people write them: "£2,450.50", "2450", "2450.5".
POUNDS = re.compile(r"^£?\s*(?P<amount>\d{1,10}(?:\.\d{1,2})?)$")
# More people than any one grant reaches; keeps a row of nines out of the database's integer.
MOST_PEOPLE = 10_000_000
LONGEST_NUMBER = 20

CATEGORY_HINTS = {
    BeneficiaryFigure.Category.AGE: "How many of the people reached were in each age group.",
    BeneficiaryFigure.Category.GENDER: "How many of the people reached were of each gender.",
    BeneficiaryFigure.Category.ETHNICITY: "How many of the people reached were in each group.",
    BeneficiaryFigure.Category.DISABILITY: "How many of the people reached were disabled.",
}
FIGURES_INTRODUCTION = (
    '<h2 class="govuk-heading-m">Who the grant reached (optional)</h2>'
    '<p class="govuk-body">If you know them, give the number of people in each group. Give '
    "numbers only, never names or anything else about a person. Leave a box empty if you do not "
    "know; you can fill in some groups and not others.</p>"
)


class AcceptOfferForm(forms.Form):
    agree = forms.BooleanField(
        label="I agree to the conditions of the grant on behalf of my organisation",
        error_messages={"required": AGREE_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.checkbox("agree"), Submit("accept", "Accept the offer"))

    def add_service_errors(self, error: ValidationError) -> None:
        self.add_error(None, error.messages)


class WholeNumberField(forms.CharField):
    """A count as people type it: "1,250" and " 12 " are numbers too; blank is None."""

    def __init__(self, *, not_a_number: str, too_many: str, **kwargs):
        self.not_a_number, self.too_many = not_a_number, too_many
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        text = super().to_python(value).replace(",", "").replace(" ", "")
        if not text:
            return None
        # Checked before it is read, so a megabyte of digits costs nothing.
        if len(text) > LONGEST_NUMBER or not (text.isascii() and text.isdigit()):
            raise ValidationError(self.not_a_number, code="invalid")
        number = int(text)
        if number >= MOST_PEOPLE:
            raise ValidationError(self.too_many, code="too_many")
        return number


class MoneyField(forms.CharField):
    """Pounds and pence, as a Decimal; blank is None."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        text = super().to_python(value).replace(",", "").replace(" ", "")
        if not text:
            return None
        match = POUNDS.match(text) if len(text) <= LONGEST_NUMBER else None
        if not match:
            raise ValidationError(SPEND_NOT_MONEY, code="invalid")
        # Digits and at most one point, at most twelve digits: always a Decimal the model takes.
        return Decimal(match["amount"]).quantize(Decimal("0.01"))


class MonitoringReportForm(forms.Form):
    """MonitoringReportForm(data, files, report=report): the report's questions, the optional
    figures and one file of evidence. `initial_from(report)` gives what was sent before, so a
    report sent back for more information starts from it."""

    narrative = forms.CharField(
        label="What has the grant done so far?",
        help_text=(
            "What you did, for whom, and how it went against the outcomes you expected. "
            "Say what you learned and anything that did not go to plan."
        ),
        max_length=MonitoringReport._meta.get_field("narrative").max_length,
        widget=forms.Textarea,
        error_messages={"required": NARRATIVE_REQUIRED},
    )
    people_reached = WholeNumberField(
        label="How many people has the project reached?",
        help_text="Count each person once, however many sessions they came to.",
        not_a_number=PEOPLE_NOT_A_NUMBER,
        too_many=PEOPLE_TOO_MANY,
        error_messages={"required": PEOPLE_REQUIRED},
    )
    spend_to_date = MoneyField(
        label="How much of the grant have you spent so far, in pounds? (optional)",
        help_text="For example, 2,450.50",
        required=False,
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        help_text=(
            "For example an attendance record, photographs or a spending summary. A PDF, Word "
            "(DOCX), Excel (XLSX), OpenDocument text (ODT), JPEG or PNG file, at most 10 MB."
        ),
        required=False,
        max_length=FILE_NAME_MAX_LENGTH,
        allow_empty_file=False,
        error_messages={"empty": EMPTY_FILE, "max_length": FILE_NAME_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["narrative"], "What the grant has done")
        # category -> [(field name, band)], in the order the form shows them.
        self.figure_fields: dict[str, list[tuple[str, str]]] = {}
        for category in BeneficiaryFigure.Category:
            names = []
            for number, band in enumerate(BeneficiaryFigure.BANDS[category]):
                name = f"figure_{category.value}_{number}"
                self.fields[name] = WholeNumberField(
                    label=band,
                    required=False,
                    not_a_number=FIGURE_NOT_A_COUNT.format(band=band),
                    too_many=FIGURE_TOO_MANY.format(band=band),
                )
                names.append((name, band))
            self.figure_fields[category.value] = names
        self.helper = FormHelper()
        # The GOV.UK messages, not the browser's, tell people what to put right.
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            character_count(self, "narrative", label_size=Size.SMALL, rows=8),
            Field.text("people_reached", label_size=Size.SMALL, field_width=Fixed.FIVE),
            Field.text("spend_to_date", label_size=Size.SMALL, field_width=Fixed.TEN),
            HTML(FIGURES_INTRODUCTION),
            HTML('{% include "grants/grantee/_figures.html" %}'),
            Field("evidence", context={"label_size": Size.for_label(Size.SMALL)}),
            Submit("send", "Send the report"),
        )

    @staticmethod
    def initial_from(report: MonitoringReport) -> dict:
        """What the report holds now, as the form's initial answers."""
        initial = {
            "narrative": report.narrative,
            "people_reached": "" if report.people_reached is None else report.people_reached,
            "spend_to_date": "" if report.spend_to_date is None else f"{report.spend_to_date}",
        }
        counts = {(figure.category, figure.band): figure.count for figure in report.figures.all()}
        for category in BeneficiaryFigure.Category:
            for number, band in enumerate(BeneficiaryFigure.BANDS[category]):
                if (category.value, band) in counts:
                    initial[f"figure_{category.value}_{number}"] = counts[(category.value, band)]
        return initial

    def full_clean(self):
        super().full_clean()
        self._note_file_not_kept()

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            validate_attachment(upload)
        return upload

    def submission(self) -> dict:
        """The service's keyword arguments from a valid form."""
        data = self.cleaned_data
        figures = {
            (category, band): data[name]
            for category, names in self.figure_fields.items()
            for name, band in names
            if data.get(name) is not None
        }
        evidence = data.get("evidence")
        return {
            "narrative": data["narrative"],
            "people_reached": data["people_reached"],
            "spend_to_date": data.get("spend_to_date"),
            "figures": figures,
            "attachments": {Attachment.Kind.MONITORING_EVIDENCE: evidence} if evidence else {},
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show what the service refused beside what it is about: a category's figures beside
        that group of boxes (as an error of its own, `figure_<category>`), a file beside the
        evidence, the rest at the top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            if name == "file":
                name = "evidence"
            category = name.removeprefix("figure_")
            if name.startswith("figure_") and category in self.figure_fields:
                # Not a field: kept in the form's errors so the page shows it and its title
                # says "Error:".
                self._errors.setdefault(name, self.error_class()).extend(messages)
            elif name == NON_FIELD_ERRORS or name not in self.fields:
                self.add_error(None, messages)
            elif name not in self.errors:
                self.add_error(name, messages)
        self._note_file_not_kept()

    def _note_file_not_kept(self) -> None:
        """A page sent back with a problem cannot hold on to the file chosen: say so beside
        the file box, so it is chosen again."""
        if self._errors and self.files.get("evidence") and "evidence" not in self._errors:
            self._errors["evidence"] = self.error_class([FILE_AGAIN])

    def figure_groups(self) -> list[dict]:
        """Each category's boxes with its own errors, for the template."""
        groups = []
        for category in BeneficiaryFigure.Category:
            names = self.figure_fields[category.value]
            groups.append(
                {
                    "key": category.value,
                    "legend": category.label,
                    "hint": CATEGORY_HINTS[category],
                    "fields": [self[name] for name, _band in names],
                    "errors": self.errors.get(f"figure_{category.value}", []),
                    "first_id": self[names[0][0]].auto_id,
                }
            )
        return groups

    def error_links(self) -> list[tuple[str, str]]:
        """(the id to link to, the message) for the error summary, in the order of the page."""
        first_id = self["narrative"].auto_id
        links = [(first_id, message) for message in self.non_field_errors()]
        for name in ("narrative", "people_reached", "spend_to_date"):
            links += [(self[name].auto_id, message) for message in self[name].errors]
        for group in self.figure_groups():
            for bound in group["fields"]:
                links += [(bound.auto_id, message) for message in bound.errors]
            links += [(group["first_id"], message) for message in group["errors"]]
        links += [(self["evidence"].auto_id, message) for message in self["evidence"].errors]
        return links
