import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Staff-written Markdown as HTML, cleaned of anything but plain formatting."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(nh3.clean(html))  # noqa: S308  (nh3 has just sanitised it)


@register.filter
def summary_errors(bound_field):
    """(the id to link to, its errors) for the GOV.UK error summary. A radios or checkboxes
    question links to its first option, whose id the GOV.UK templates number from 1."""
    from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors
    from django.forms import CheckboxSelectMultiple, RadioSelect

    items = list(field_errors(bound_field))
    if isinstance(bound_field.field.widget, RadioSelect | CheckboxSelectMultiple):
        first_option = f"id_{bound_field.html_name}_1"
        return [(first_option if key == bound_field.auto_id else key, e) for key, e in items]
    return items
