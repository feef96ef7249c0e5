"""Loading an office's reference data file (pcc_portal/data/offices/<office>.toml).

Loading is idempotent: rows are matched on their natural keys (slug, ONS code, number), so a
second run creates nothing. Rows already present are left as staff edited them in the admin,
unless `update=True` asks for the file's values to win.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.template import Context, Template

from .models import Aim, LocalAuthority, Objective, OfficeProfile, PolicingArea, SitePage
from .registry import reference_requirements, reference_sections

OFFICES_DIR = Path(__file__).resolve().parent / "data" / "offices"
PAGES_DIR = Path(__file__).resolve().parent / "data" / "pages"
UNKNOWN_OFFICE = "No data file for office {office!r}. Known offices: {known}"
INCOMPLETE_OFFICE = (
    "Nothing was loaded: the data file for office {office!r} lacks what the portal cannot work "
    "without: {missing}. Add what is missing to the file and load it again."
)


@dataclass
class LoadCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, created: bool, updated: bool = False) -> None:
        if created:
            self.created += 1
        elif updated:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class LoadReport:
    office: str
    sections: dict[str, LoadCount] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.sections.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for name, c in self.sections.items()
        ]


class IncompleteOfficeFile(ValueError):
    """An office file without what the portal cannot work without (decision 39): with no
    activity areas no contact can be logged, and without residents the coverage rates are
    blank, so such a file is refused whole rather than loaded with "0 created"."""

    def __init__(self, office: str, missing: list[str]):
        self.missing = missing
        super().__init__(INCOMPLETE_OFFICE.format(office=office, missing="; ".join(missing)))


def known_offices() -> list[str]:
    return sorted(path.stem for path in OFFICES_DIR.glob("*.toml"))


def read_office_file(office: str) -> dict:
    path = OFFICES_DIR / f"{office}.toml"
    if not path.is_file():
        raise ValueError(UNKNOWN_OFFICE.format(office=office, known=", ".join(known_offices())))
    with path.open("rb") as handle:
        return tomllib.load(handle)


def upsert(model, lookup: dict, values: dict, *, update: bool) -> tuple[object, bool, bool]:
    """Create the row if missing; change it only when `update` and a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if update and changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        return obj, False, True
    return obj, False, False


def _office(data: dict, *, update: bool) -> LoadCount:
    count = LoadCount()
    fields = (
        "office_name",
        "area_name",
        "holder_title",
        "holder_name",
        "deputy_title",
        "deputy_name",
        "address",
        "phone",
        "email",
        "website",
        "brand_colour",
        "threesixty_prefix",
        "funder_org_id",
    )
    values = {name: data.get(name, "") for name in fields if name in data}
    _, created, updated = upsert(OfficeProfile, {"singleton": True}, values, update=update)
    count.add(created, updated)
    return count


def _policing_areas(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    for position, row in enumerate(rows, start=1):
        values = {"name": row["name"], "position": position}
        _, created, updated = upsert(PolicingArea, {"slug": row["slug"]}, values, update=update)
        count.add(created, updated)
    return count


def _local_authorities(rows: list[dict], *, update: bool) -> LoadCount:
    count = LoadCount()
    areas = {area.slug: area for area in PolicingArea.objects.all()}
    # Counties first, so each district finds its parent.
    for row in sorted(rows, key=lambda r: bool(r.get("parent"))):
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "parent": LocalAuthority.objects.get(ons_code=row["parent"])
            if row.get("parent")
            else None,
            "policing_area": areas[row["policing_area"]] if row.get("policing_area") else None,
            "residents": row.get("residents"),
            "residents_source": row.get("residents_source", ""),
            "residents_year": row.get("residents_year"),
        }
        _, created, updated = upsert(
            LocalAuthority, {"ons_code": row["ons_code"]}, values, update=update
        )
        count.add(created, updated)
    return count


def _aims(rows: list[dict], *, update: bool) -> dict[str, LoadCount]:
    """The plan's aims, their objectives and each objective's success measures, each counted
    as a section of its own."""
    aims, objectives, measures = LoadCount(), LoadCount(), LoadCount()
    for row in rows:
        aim, created, updated = upsert(
            Aim, {"number": row["number"]}, {"title": row["title"]}, update=update
        )
        aims.add(created, updated)
        for objective_row in row.get("objectives", []):
            objective, created, updated = upsert(
                Objective,
                {"number": objective_row["number"]},
                {"aim": aim, "title": objective_row["title"]},
                update=update,
            )
            objectives.add(created, updated)
            for position, text in enumerate(objective_row.get("success_measures", []), start=1):
                _, created, updated = upsert(
                    objective.success_measures.model,
                    {"objective": objective, "position": position},
                    {"text": text},
                    update=update,
                )
                measures.add(created, updated)
    return {"aims": aims, "objectives": objectives, "success_measures": measures}


def _site_pages(*, update: bool) -> LoadCount:
    """The accessibility statement and privacy notice, written for the office being loaded."""
    count = LoadCount()
    office = OfficeProfile.objects.get_current()
    for slug, title in SitePage.Slug.choices:
        source = (PAGES_DIR / f"{slug}.md").read_text(encoding="utf-8")
        body = Template(source).render(Context({"office": office}, autoescape=False))
        _, created, updated = upsert(
            SitePage, {"slug": slug}, {"title": str(title), "body": body}, update=update
        )
        count.add(created, updated)
    return count


def _missing_places(data: dict) -> list[str]:
    """Policing areas, and local authorities with residents for every one of them: contacts are
    logged in an area, and coverage per 10,000 residents is the sum of its authorities'."""
    areas = data.get("policing_areas", [])
    authorities = data.get("local_authorities", [])
    missing = []
    if not areas:
        missing.append("policing areas ([[policing_areas]])")
    if not authorities:
        missing.append("local authorities ([[local_authorities]])")
        return missing
    covered = {row.get("policing_area") for row in authorities}
    missing += [
        f"a local authority in {row.get('name', row.get('slug'))}"
        for row in areas
        if row.get("slug") not in covered
    ]
    # A county's districts carry the figures; the county itself is in no one policing area.
    missing += [
        f"the residents of {row.get('name')} ({row.get('ons_code')})"
        for row in authorities
        if row.get("policing_area") and not row.get("residents")
    ]
    return missing


def missing_from(data: dict) -> list[str]:
    """Everything the office file lacks that the portal cannot work without, in words."""
    missing = _missing_places(data)
    for name, check in reference_requirements.items():
        missing += check(data.get(name, []))
    return missing


@transaction.atomic
def load_reference_data(*, office: str, update: bool = False) -> LoadReport:
    """Load one office's data file; all of it or, on any error, none of it.

    Raises ValueError for an unknown office, IncompleteOfficeFile (a ValueError) naming all
    that a file lacks of what the portal needs, and KeyError for a row missing a required key.
    """
    data = read_office_file(office)
    missing = missing_from(data)
    if missing:
        raise IncompleteOfficeFile(office, missing)
    report = LoadReport(office=office)
    if "office" in data:
        report.sections["office"] = _office(data["office"], update=update)
    report.sections["policing_areas"] = _policing_areas(
        data.get("policing_areas", []), update=update
    )
    report.sections["local_authorities"] = _local_authorities(
        data.get("local_authorities", []), update=update
    )
    report.sections.update(_aims(data.get("aims", []), update=update))
    for name, load_section in reference_sections.items():
        report.sections[name] = load_section(data.get(name, []), update=update)
    report.sections["site_pages"] = _site_pages(update=update)
    return report
