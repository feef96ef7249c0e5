"""The engagement sections of an office's reference data file: the charter and the schedule of
standing meetings."""

from datetime import date

from django.core.exceptions import ValidationError

from pcc_portal.reference_data import LoadCount, upsert

from .models import ActivityArea, CharterPrinciple, EngagementLevel, ReachedGroup, StandingMeeting
from .recurrence import validate_rrule

# --- What the portal cannot work without (decision 39) ------------------------------------------


def activity_areas_missing(rows: list[dict]) -> list[str]:
    """Every contact names at least one activity area: without them none can be logged."""
    return [] if rows else ["activity areas ([[activity_areas]])"]


def engagement_levels_missing(rows: list[dict]) -> list[str]:
    """Every contact has a level, and the charter page shows each one's aim and commitment."""
    if not rows:
        return ["engagement levels ([[engagement_levels]])"]
    missing = []
    for number, row in enumerate(rows, start=1):
        name = str(row.get("name", "")).strip()
        if not name:
            missing.append(f"the name of engagement level {number}")
        missing += [
            f"the {part} of engagement level {name or number!r}"
            for part in ("aim", "commitment")
            if not str(row.get(part, "")).strip()
        ]
    return missing


# --- Loading -----------------------------------------------------------------------------------


def load_activity_areas(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    for row in rows:
        values = {"name": row["name"], "description": row.get("description", "")}
        _, created, updated = upsert(ActivityArea, {"number": row["number"]}, values, update=update)
        count.add(created, updated)
    return count


def load_charter_principles(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    for position, row in enumerate(rows, start=1):
        values = {"position": position, "commitment": row["commitment"]}
        _, created, updated = upsert(
            CharterPrinciple, {"title": row["title"]}, values, update=update
        )
        count.add(created, updated)
    return count


def load_engagement_levels(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    for position, row in enumerate(rows, start=1):
        values = {
            "position": position,
            "aim": row["aim"],
            "commitment": row["commitment"],
            "ways_to_engage": "\n".join(row.get("ways_to_engage", [])),
        }
        _, created, updated = upsert(EngagementLevel, {"name": row["name"]}, values, update=update)
        count.add(created, updated)
    return count


STANDING_MEETING_FIELDS = ("chair", "frequency", "opcc_attendance", "opcc_lead", "notes")
UNKNOWN_MEETING_CATEGORY = (
    "Standing meeting {name!r}: unknown category {category!r}. Use one of: {known}"
)
BAD_MEETING_RULE = "Standing meeting {name!r}: {error}"
MEETING_RULE_WITHOUT_START = "Standing meeting {name!r} has a recurrence but no first_meeting_on"


def load_standing_meetings(rows: list[dict], *, update: bool) -> LoadCount:
    """The schedule of standing meetings, matched on (name, category).

    Raises ValueError for an unknown category, an invalid recurrence rule, or a rule without
    the date it counts from, so a bad file loads nothing (the loader is one transaction).
    """
    count = LoadCount()
    categories = StandingMeeting.Category.values
    for position, row in enumerate(rows, start=1):
        name, category = row["name"].strip(), row["category"]
        if category not in categories:
            raise ValueError(
                UNKNOWN_MEETING_CATEGORY.format(
                    name=name, category=category, known=", ".join(categories)
                )
            )
        recurrence = row.get("recurrence", "").strip()
        try:
            validate_rrule(recurrence)
        except ValidationError as error:
            raise ValueError(BAD_MEETING_RULE.format(name=name, error=error.messages[0])) from None
        first = row.get("first_meeting_on")
        if isinstance(first, str):
            first = date.fromisoformat(first) if first else None
        if recurrence and first is None:
            raise ValueError(MEETING_RULE_WITHOUT_START.format(name=name))
        values = {field: row.get(field, "").strip() for field in STANDING_MEETING_FIELDS}
        values.update(recurrence=recurrence, first_meeting_on=first, position=position)
        _, created, updated = upsert(
            StandingMeeting, {"name": name, "category": category}, values, update=update
        )
        count.add(created, updated)
    return count


def load_groups_reached(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    for position, row in enumerate(rows, start=1):
        values = {"position": position, "description": row.get("description", "")}
        _, created, updated = upsert(ReachedGroup, {"name": row["name"]}, values, update=update)
        count.add(created, updated)
    return count


def load_distribution_lists(rows: list[dict], *, update: bool) -> LoadCount:
    """The office's standard lists (weekly and quarterly newsletters, consultations, ...): public
    ones are offered on the sign-up page; `organisation_kind` makes every organisation of that
    kind a member (town and parish councils)."""
    from .models import DistributionList, Organisation

    count = LoadCount()
    for position, row in enumerate(rows, start=1):
        kind = row.get("organisation_kind", "")
        if kind and kind not in Organisation.Kind.values:
            raise ValidationError(
                f"Distribution list {row['name']!r}: unknown organisation kind {kind!r}"
            )
        values = {
            "name": row["name"],
            "description": row.get("description", ""),
            "is_public": bool(row.get("public", False)),
            "organisation_kind": kind,
            "position": position,
        }
        _, created, updated = upsert(DistributionList, {"slug": row["slug"]}, values, update=update)
        count.add(created, updated)
    return count
