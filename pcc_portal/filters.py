"""The MOJ filter panel's FilterSets (templates/includes/filter_panel.html), shared by every
staff list: GOV.UK classes on the fields, "Any" for an unchosen choice, and the filters in use
with a link that removes each."""

from django import forms
from django.http import QueryDict
from django.utils import dateformat

# What an unchosen filter reads in a filter panel (never "---------" or "Unknown").
ANY = "Any"


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads "Any". It reads the same values as Django's
    NullBooleanSelect ("true"/"false", "2"/"3" ...), so links and API calls keep working."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", "Yes"), ("false", "No")]

    def format_value(self, value):
        # A list, as other choice widgets give: a bare string would match "" too ("" in "true").
        value = super().format_value(value)
        return ["" if value == "unknown" else value]


class FilterPanelMixin:
    """A FilterSet drawn as the MOJ filter panel (templates/includes/filter_panel.html): its
    fields carry GOV.UK classes, an error is tied to its field, and selected_filters() lists the
    filters in use, each with the query string that removes it (the page number is dropped too)."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_govuk_styled", False):
            form._govuk_styled = True
            for name, field in form.fields.items():
                widget = field.widget
                css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
                if form.is_bound and form.errors.get(name):
                    widget.attrs["class"] += f" {css}--error"
                    widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
        return form

    def selected_filters(self) -> list[dict]:
        if not self.is_bound or not self.is_valid():
            return []
        selected = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            query = (
                self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
            )
            if not isinstance(self.data, QueryDict):
                query.update(self.data)
            query.pop(name, None)
            query.pop("page", None)
            selected.append(
                {
                    "name": name,
                    "label": field.label,
                    "text": _display(field, value),
                    "remove_query": query.urlencode(),
                }
            )
        return selected


def _display(field, value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "year") and hasattr(value, "month"):
        return dateformat.format(value, "j F Y")
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)
