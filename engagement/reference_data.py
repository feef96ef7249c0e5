"""The charter's sections of an office's reference data file."""

from pcc_portal.reference_data import LoadCount, upsert

from .models import ActivityArea, CharterPrinciple, EngagementLevel


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
