"""The RAG statuses as data: each with its letter, the name staff and the public read, what it
means (the office's own definitions, printed under every report and shown wherever a status is
chosen), the colour of its tag on the pages and the fill of its cell in the spreadsheet.

A status's key is stored on every task and in every update: renaming one strands the history, so
change names and meanings, never keys. A task that has never had an update has no status yet
(an empty key), which is not one of the choices a person makes.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RagStatus(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


@dataclass(frozen=True)
class Definition:
    key: str
    letter: str
    staff_name: str
    public_name: str  # what the public progress page says
    meaning: str
    colour: str  # a govuk-tag modifier (engagement.workflow.TAG_COLOURS)
    fill: str  # the spreadsheet cell's fill, as six hex digits
    ink: str  # the text on that fill, legible in print
    severity: int  # the worse, the higher: what a report sorts by and a suggestion compares

    def __str__(self):
        return str(self.staff_name)

    @property
    def label(self) -> str:
        """As the report's key prints it: "R (Red)"."""
        return f"{self.letter} ({self.staff_name})"


R = RagStatus
DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            R.RED,
            "R",
            R.RED.label,
            _("Behind"),
            _("Missed or likely to miss milestones or timescales"),
            "red",
            "D4351C",
            "FFFFFF",
            3,
        ),
        Definition(
            R.AMBER,
            "A",
            R.AMBER.label,
            _("At risk"),
            _("Concern may miss milestones or timescales"),
            "orange",
            "FFBF47",
            "0B0C0C",
            2,
        ),
        Definition(
            R.GREEN,
            "G",
            R.GREEN.label,
            _("On track"),
            _("Achieved or likely to achieve milestones and timescales"),
            "green",
            "00703C",
            "FFFFFF",
            1,
        ),
    )
}

NOT_RATED = Definition(
    "", "", _("Not rated yet"), _("Not rated yet"), "", "grey", "F3F2F1", "0B0C0C", 0
)
# The order a report's counts and a chooser's options are given in: worst first.
ORDER = (R.RED, R.AMBER, R.GREEN)
# How people write a status in a spreadsheet: "Green", "G", "green ".
_SPELLINGS = {
    **{d.key: d.key for d in DEFINITIONS.values()},
    **{d.letter.lower(): d.key for d in DEFINITIONS.values()},
}


def definition_of(key: str) -> Definition:
    """The status stored as `key`; none yet, or a key since removed, shows as not rated."""
    return DEFINITIONS.get(key or "", NOT_RATED)


def read_status(text: str) -> str | None:
    """The key of a status as a person wrote it ("Green", "g", "AMBER"); None if it is not one."""
    return _SPELLINGS.get((text or "").strip().lower())


def choices_with_meanings() -> list[tuple[str, str]]:
    """A chooser's options, each with its meaning, so the definitions are read as a status is
    chosen: ("red", "Red: missed or likely to miss milestones or timescales")."""
    options = []
    for key in ORDER:
        definition = DEFINITIONS[key]
        meaning = str(definition.meaning)
        options.append((key, f"{definition.staff_name}: {meaning[:1].lower()}{meaning[1:]}"))
    return options
