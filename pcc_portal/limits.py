"""Limits on free text (decision 38): enforced by the model, shown to the person.

Django's TextField takes a max_length but only hands it to the form; a 2 MB body sent to the
API, the admin or a service was stored whole. `LimitedTextField` makes the model refuse it too,
so every door (form, API serializer, admin, service's full_clean) meets the same limit, and
`character_count` shows it with the GOV.UK character count.
"""

from collections.abc import Mapping

from crispy_forms_gds.layout import Field
from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst, format_lazy

TOO_LONG = "{name} must be {limit} characters or fewer"


def too_long(name, limit: int):
    """The GOV.UK message for text over its limit: "Address must be 500 characters or fewer"."""
    return format_lazy(TOO_LONG, name=capfirst(name), limit=f"{limit:,}")


class LimitedTextField(models.TextField):
    """A TextField whose max_length the model enforces, as a CharField's is."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        # Added after the fact, as CharField does, so it stays out of migrations.
        self.validators.append(
            MaxLengthValidator(
                max_length, message=too_long(self.verbose_name or "This", max_length)
            )
        )

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.error_messages["max_length"] = too_long(self.verbose_name, self.max_length)
        return field


def limit_text(field: forms.CharField, name: str) -> forms.CharField:
    """Give a form's text field the GOV.UK message for its max_length; returns the field."""
    if field.max_length:
        field.error_messages["max_length"] = too_long(name, field.max_length)
    return field


def limit_texts(form: forms.BaseForm, names: Mapping[str, str]) -> None:
    """limit_text for each of the form's fields in `names`, by the name the person reads."""
    for field, name in names.items():
        limit_text(form.fields[field], name)


def character_count(form: forms.BaseForm, name: str, **kwargs) -> Field:
    """A textarea with the GOV.UK character count for the field's max_length.

    The browser's maxlength is taken off: it would cut a pasted answer short without a word,
    where the character count lets the person see what is over and trim it themselves.
    """
    field = form.fields[name]
    field.widget.attrs.pop("maxlength", None)
    # crispy-forms-gds appends the count's id to this attribute and fails if it is missing.
    field.widget.attrs.setdefault("aria-describedby", "")
    return Field.textarea(name, max_characters=field.max_length, **kwargs)
