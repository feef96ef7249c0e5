"""Dates people type: the GOV.UK date input, its error messages, and the range a date must fall in.

The crispy-forms-gds field reports Python's own words ("day is out of range for month") and lets
a 23-digit year overflow into a 500. Every three-box date the portal asks for uses `GovukDateField`
instead, and the forms, the API and the models check the range with `check_date_range`, so the
same date is refused in the same words wherever it arrives (decision 38).

Wording from the GOV.UK Design System's date input: "Date of birth must include a month",
"... must be a real date", "... must be today or in the past", "... must be the same as or after
1 January 2000".
"""

from collections.abc import Callable
from datetime import date

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

MUST_INCLUDE = "{name} must include a {parts}"
REAL_DATE = "{name} must be a real date"
YEAR_FOUR_NUMBERS = "Year must include 4 numbers"
TODAY_OR_PAST = "{name} must be today or in the past"
TODAY_OR_FUTURE = "{name} must be today or in the future"
SAME_OR_AFTER = "{name} must be the same as or after {day}"
SAME_OR_BEFORE = "{name} must be the same as or before {day}"

PARTS = ("day", "month", "year")

# The range any date typed into the portal must fall in unless its field says otherwise: far
# wider than any the office deals in, narrow enough to catch 1026 for 2026 or a year of 9999.
SANE_EARLIEST = date(1900, 1, 1)
SANE_LATEST = date(2100, 12, 31)


def in_words(day: date) -> str:
    """1 January 2000: how GOV.UK writes a date in a message."""
    return dateformat.format(day, "j F Y")


def check_date_range(
    value: date | None,
    *,
    name: str,
    earliest: date | None = None,
    latest: date | None = None,
    not_in_future: bool = False,
    not_in_past: bool = False,
) -> None:
    """Raise ValidationError, in GOV.UK words, if `value` falls outside the range given.

    `name` starts the message ("Date of the contact"). Today is the office's local date.
    """
    if value is None:
        return
    today = timezone.localdate()
    if not_in_future and value > today:
        raise ValidationError(TODAY_OR_PAST.format(name=name), code="future")
    if not_in_past and value < today:
        raise ValidationError(TODAY_OR_FUTURE.format(name=name), code="past")
    if earliest is not None and value < earliest:
        raise ValidationError(
            SAME_OR_AFTER.format(name=name, day=in_words(earliest)), code="too_early"
        )
    if latest is not None and value > latest:
        raise ValidationError(
            SAME_OR_BEFORE.format(name=name, day=in_words(latest)), code="too_late"
        )


def date_range_checker(**limits) -> Callable[[date | None], None]:
    """A validator for a form or serializer field: check_date_range with fixed limits."""

    def check(value):
        check_date_range(value, **limits)

    return check


def _joined(parts: list[str]) -> str:
    return " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"


class GovukDateField(DateInputField):
    """The GOV.UK three-box date input, with GOV.UK messages and a range.

    `name` is the date's name as a message starts it ("Date of the contact"); the limits are
    those of check_date_range, by default the sane range of 1900 to 2100. An empty date is
    "Enter the date of the contact" unless `required_message` says otherwise.
    """

    def __init__(
        self,
        *,
        name: str,
        required_message: str | None = None,
        earliest: date | None = SANE_EARLIEST,
        latest: date | None = SANE_LATEST,
        not_in_future: bool = False,
        not_in_past: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.name = name
        self.limits = {
            "earliest": earliest,
            "latest": latest,
            "not_in_future": not_in_future,
            "not_in_past": not_in_past,
        }
        self.error_messages["required"] = (
            required_message or f"Enter the {name[0].lower()}{name[1:]}"
        )

    def _fail(self, message: str, *parts: int) -> None:
        """Raise `message` against the first box it is about, which the error summary links to
        and which alone is marked; with no box named, the whole date is marked.

        (crispy-forms-gds lists a box's errors in the summary once per box, so the message goes
        on one box only.)"""
        for index, field in enumerate(self.fields):
            field.widget.errors = [message] if parts and index == parts[0] else []
        raise ValidationError(message)

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        if self.disabled and not isinstance(value, list):
            value = self.widget.decompress(value)
        if not isinstance(value, (list, tuple)):
            value = [None, None, None]
        texts = [str(part).strip() if part is not None else "" for part in list(value)[:3]]
        texts += [""] * (3 - len(texts))
        if not any(texts):
            if self.required:
                self._fail(self.error_messages["required"])
            return None
        missing = [index for index, text in enumerate(texts) if not text]
        if missing:
            self._fail(
                MUST_INCLUDE.format(name=self.name, parts=_joined([PARTS[i] for i in missing])),
                *missing,
            )
        # Digits only, and few of them: int() of a 23-digit year is fine, date() of it is not.
        if not all(text.isascii() and text.isdigit() for text in texts):
            wrong = [i for i, text in enumerate(texts) if not (text.isascii() and text.isdigit())]
            self._fail(REAL_DATE.format(name=self.name), *wrong)
        day, month, year = texts
        if len(year) != 4:
            self._fail(YEAR_FOUR_NUMBERS, 2)
        if len(day) > 2 or len(month) > 2:
            self._fail(REAL_DATE.format(name=self.name))
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            self._fail(REAL_DATE.format(name=self.name))
        try:
            check_date_range(result, name=self.name, **self.limits)
        except ValidationError as error:
            self._fail(error.messages[0])
        self.run_validators(result)
        return result

    def compress(self, data_list):
        # clean() above builds the date itself; this is only reached through has_changed().
        day, month, year = data_list
        try:
            return date(int(year), int(month), int(day)) if day and month and year else None
        except (ValueError, OverflowError):
            return None
