"""The forms of the delivery plan's staff pages: the report's filter panel, a task's RAG update, a
milestone marked done, an activity area's tasks updated together, and a plan brought in from a
spreadsheet.

Each turns what was typed into the values a service takes (services.py, importing.py); what is
allowed is the service's to say, and its refusals are shown beside the fields they name.
"""

from pathlib import Path

import django_filters
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from engagement.filters import ANY, AnyYesNoSelect, FilterPanelMixin
from engagement.models import ActivityArea
from pcc_portal.dates import GovukDateField
from pcc_portal.limits import character_count, limit_text, limit_texts, too_long
from pcc_portal.models import StaffMember
from pcc_portal.uploads import check_upload, looks_like_markup, scan_for_viruses

from .models import COMMENT_LIMIT, Plan
from .rag import DEFINITIONS, NOT_RATED, ORDER

NOT_RATED_KEY = "none"
COMMENT_NAME = "The comment"
SELECT_STATUS = "Select the RAG status"
PUBLIC_LABEL = "Show this comment on the public progress page"
PUBLIC_HINT = "Only the comment and the status are shown; never who wrote it"


def status_choices() -> list[Choice]:
    """The statuses to choose from, worst first, each with what it means beside it."""
    return [
        Choice(key, DEFINITIONS[key].staff_name, hint=DEFINITIONS[key].meaning) for key in ORDER
    ]


# --- The report's filter panel --------------------------------------------------------------


class ReportFilter(FilterPanelMixin, django_filters.FilterSet):
    """The plan report's filters. The tasks must come annotated by with_signals(today): the stale
    and suggestion filters read those annotations."""

    lead = django_filters.ModelChoiceFilter(
        queryset=StaffMember.objects.none(), field_name="leads", label="Lead", empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label="RAG status",
        choices=[
            *((key, DEFINITIONS[key].staff_name) for key in ORDER),
            (NOT_RATED_KEY, NOT_RATED.staff_name),
        ],
        empty_label=ANY,
        method="filter_status",
    )
    area = django_filters.ModelChoiceFilter(
        queryset=ActivityArea.objects.none(),
        field_name="action__activity_area",
        to_field_name="number",
        label="Activity area",
        empty_label=ANY,
    )
    stale = django_filters.BooleanFilter(
        field_name="is_stale", label="Stale (no update for 90 days)", widget=AnyYesNoSelect
    )
    suggested = django_filters.BooleanFilter(
        label="A status is suggested", method="filter_suggested", widget=AnyYesNoSelect
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        filters = self.filters
        filters["lead"].queryset = StaffMember.objects.filter(
            delivery_tasks__action__plan=plan
        ).distinct()
        filters["area"].queryset = ActivityArea.objects.filter(
            delivery_actions__plan=plan
        ).distinct()

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(rag_status="" if value == NOT_RATED_KEY else value)

    def filter_suggested(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.exclude(suggested_status="") if value else queryset.filter(suggested_status="")
        )


# --- One task -------------------------------------------------------------------------------


class RagUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="What is the task's RAG status now?",
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_STATUS, "invalid_choice": SELECT_STATUS},
    )
    comment = forms.CharField(
        label="RAG status comment",
        help_text="What has been done, what is next and, if it is behind, why",
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a comment on the status"},
    )
    is_public = forms.BooleanField(label=PUBLIC_LABEL, help_text=PUBLIC_HINT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices()
        limit_texts(self, {"comment": COMMENT_NAME})
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM),
            character_count(self, "comment", rows=6),
            Field.checkbox("is_public", small=True),
            Submit("record", "Record the update"),
        )

    def update(self) -> dict:
        """The update as record_rag_update takes it."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "comment": data["comment"],
            "is_public": data["is_public"],
        }


class ReviewDateForm(forms.Form):
    """When an ongoing task is next reviewed: its reminder goes to the leads two weeks ahead."""

    review_on = GovukDateField(
        name="Date of the next review",
        label="When is the task next reviewed?",
        help_text="For example, 31 3 2027. Leave it empty if no review is planned",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("review_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Submit("set_review", "Save the review date", css_class="govuk-button--secondary"),
        )


class MilestoneDoneForm(forms.Form):
    """One of the task's milestones marked done today, or not done after all."""

    milestone = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    done = forms.TypedChoiceField(
        choices=[("1", "Done"), ("0", "Not done")], coerce=lambda value: value == "1"
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = task.milestones.all()


# --- An activity area's tasks together ------------------------------------------------------


class AreaGridForm(forms.Form):
    """A status, comment and public tick for each task the person may update, as three fields
    named by the task's pk; the other tasks of the area are only shown. What was not changed is
    not recorded again."""

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = {task.pk: task for task in tasks}
        choices = [("", NOT_RATED.staff_name)] + [
            (key, DEFINITIONS[key].staff_name) for key in ORDER
        ]
        for task in tasks:
            label = _short(task.summary)
            self.fields[self.name_of("status", task)] = forms.ChoiceField(
                label=f"RAG status of “{label}”",
                choices=choices if not task.rag_status else choices[1:],
                required=False,
                initial=task.rag_status,
                error_messages={"invalid_choice": SELECT_STATUS},
            )
            comment = forms.CharField(
                label=f"RAG status comment on “{label}”",
                max_length=COMMENT_LIMIT,
                required=False,
                initial=task.rag_comment,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            comment.error_messages["max_length"] = too_long(COMMENT_NAME, COMMENT_LIMIT)
            self.fields[self.name_of("comment", task)] = comment
            self.fields[self.name_of("public", task)] = forms.BooleanField(
                label="Show on the public progress page",
                required=False,
                initial=task.rag_comment_is_public,
            )

    @staticmethod
    def name_of(part: str, task) -> str:
        return f"{part}_{task.pk}"

    def fields_of(self, task) -> tuple:
        """The task's status, comment and public fields (bound), or None if it is only shown."""
        if task.pk not in self.tasks:
            return None
        return tuple(self[self.name_of(part, task)] for part in ("status", "comment", "public"))

    def changes(self) -> list[dict]:
        """The updates to record: each task whose status, comment or public tick differs from
        what it has now, as record_rag_updates takes them."""
        data = self.cleaned_data
        updates = []
        for task in self.tasks.values():
            status = data[self.name_of("status", task)]
            comment = data[self.name_of("comment", task)].strip()
            public = data[self.name_of("public", task)]
            if (status, comment, public) != (
                task.rag_status,
                task.rag_comment.strip(),
                task.rag_comment_is_public,
            ):
                updates.append(
                    {"task": task, "status": status, "comment": comment, "is_public": public}
                )
        return updates

    def add_task_errors(self, by_task: dict[int, ValidationError]) -> None:
        """Show each task's refusal beside that task's fields."""
        for pk, error in by_task.items():
            task = self.tasks[pk]
            label = _short(task.summary)
            fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for part, messages in fields.items():
                name = self.name_of("status" if part == "status" else "comment", task)
                for message in messages:
                    self.add_error(name, f"“{label}”: {message}")


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- A plan from a spreadsheet ------------------------------------------------------------------

IMPORT_EXTENSIONS = {".csv", ".xlsx"}
IMPORT_MAX_BYTES = 5 * 1024 * 1024
SELECT_FILE = "Select the spreadsheet to import"
WRONG_KIND = "The selected file must be a CSV or XLSX"
TOO_BIG = "The selected file must be smaller than 5 MB"
NOT_CSV = "The selected file is a web page or drawing, not a CSV"
PERIOD_ENDS_FIRST = "The end of the period must be the same as or after its start"
PLAN_NAME_LIMIT = Plan._meta.get_field("name").max_length


class ImportForm(forms.Form):
    name = forms.CharField(
        label="Name of the plan",
        help_text="For example, Community Engagement Strategy delivery plan 2026 to 2028",
        max_length=PLAN_NAME_LIMIT,
        error_messages={"required": "Enter the name of the plan"},
    )
    period_start = GovukDateField(
        label="When does the plan's period start?",
        help_text="For example, 1 4 2026",
        name="Start of the period",
    )
    period_end = GovukDateField(
        label="When does it end?", help_text="For example, 31 3 2028", name="End of the period"
    )
    is_current = forms.BooleanField(
        label="The office works to this plan now",
        help_text=(
            "Leave it unticked for a plan kept as it was reported: nothing is suggested or "
            "flagged as stale in it, and nobody updates it"
        ),
        required=False,
        initial=True,
    )
    file = forms.FileField(
        label="The spreadsheet",
        help_text="An XLSX or CSV file laid out as the template, at most 5 MB",
        allow_empty_file=False,
        error_messages={
            "required": SELECT_FILE,
            "missing": SELECT_FILE,
            "invalid": SELECT_FILE,
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["name"], "The name of the plan")
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field("period_start", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("period_end", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.checkbox("is_current", small=True),
            Field("file", context={"label_size": Size.for_label(Size.SMALL)}),
            Submit("import", "Import the plan"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension not in IMPORT_EXTENSIONS:
            raise ValidationError(WRONG_KIND)
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(TOO_BIG)
        if extension == ".xlsx":
            check_upload(upload, allowed={".xlsx"}, max_bytes=IMPORT_MAX_BYTES)
        else:
            upload.seek(0)
            head = upload.read(1024)
            upload.seek(0)
            if looks_like_markup(head):
                raise ValidationError(NOT_CSV)
            scan_for_viruses(upload)
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_ENDS_FIRST)
        return data

    def import_arguments(self) -> dict:
        """What importing.import_plan takes from the form."""
        data = self.cleaned_data
        upload = data["file"]
        upload.seek(0)
        return {
            "data": upload.read(),
            "filename": upload.name,
            "name": data["name"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "is_current": data["is_current"],
        }


__all__ = [
    "AreaGridForm",
    "ImportForm",
    "MilestoneDoneForm",
    "RagUpdateForm",
    "ReportFilter",
]
