"""The published awards as 360Giving Data Standard records (schema 1.4.3, a copy of which is in
grants/data/360giving/): one grant per award, with the Specified Information Order's conditions
and reasons beside the standard's fields.

What the standard requires: an identifier (the office's 360Giving prefix and the application's
reference), a title, the currency, the amount awarded, the award date, the recipient (by its
org-id: GB-CHC- for a charity, GB-COH- for a company, else the office's own) and the funder.
What it recommends and the portal knows: the description, the amount applied for and paid so
far, the planned dates, the beneficiary location (the local authorities of each policing area
served, by their ONS codes), the grant programme (the scheme), whether it came from an open
call, the activity area and objectives as classifications, the decision notice while it is in
the public register, and when the record last changed.

The office's 360Giving prefix and, where it has one, its own org-id come from the office file
(OfficeProfile); grants/checks.py warns while the prefix is unset. An office with no org-id of
its own is named as funder by its prefix (the standard's guidance for an organisation without
one).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from engagement.models import Organisation
from pcc_portal.models import Decision, LocalAuthority, OfficeProfile, PolicingArea

from .models import Application, Award

STANDARD_VERSION = "1.4"
CURRENCY = "GBP"
COUNTRY = "GB"
# The Open Government Licence, under which public bodies in the UK publish their data.
LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# The standard's location scope for an area made of local authorities.
LOCAL_AUTHORITY_SCOPE = "GLS050"
# The standard's geoCodeType for each kind of ONS (GSS) code, by the code's first three
# characters (codelist geoCodeType.csv).
GEO_CODE_TYPES = {
    "E06": "UA",
    "W06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "S12": "CA",
}
GEO_CODE_TYPES_BY_KIND = {
    LocalAuthority.Kind.UNITARY: "UA",
    LocalAuthority.Kind.COUNTY: "CTY",
    LocalAuthority.Kind.DISTRICT: "NMD",
}
DAYS_IN_A_MONTH = 365.25 / 12
CHUNK = 2000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Publisher:
    """Who publishes the data and funds the grants: the office."""

    prefix: str
    funder_org_id: str
    name: str
    website: str

    @property
    def org_id(self) -> str:
        # An office with no org-id of its own is identified by its 360Giving prefix.
        return self.funder_org_id or self.prefix


def office_prefix(office: OfficeProfile | None = None) -> str:
    """The office's 360Giving identifier prefix, such as 360G-anyshirepcc, from the office
    file; empty while unset."""
    office = office or OfficeProfile.objects.get_current()
    return (office.threesixty_prefix if office else "").strip().rstrip("-")


def publisher(office: OfficeProfile | None = None) -> Publisher:
    office = office or OfficeProfile.objects.get_current()
    return Publisher(
        prefix=office_prefix(office),
        funder_org_id=office.funder_org_id.strip(),
        name=office.office_name,
        website=office.website,
    )


def grant_id(prefix: str, reference: str, award_pk: int) -> str:
    """The grant's identifier: the prefix and the application's reference, which never changes
    once the application is sent. Anything but letters, digits and hyphens becomes "_"."""
    own = reference or f"award-{award_pk}"
    own = "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in own)
    return f"{prefix}-{own}"


def duration_in_months(starts_on: date, ends_on: date) -> int:
    """Whole months, the end date counted in: 1 April 2015 to 31 March 2016 is 12."""
    return round(((ends_on - starts_on).days + 1) / DAYS_IN_A_MONTH)


def geo_code_type(authority: LocalAuthority) -> str | None:
    return GEO_CODE_TYPES.get(authority.ons_code[:3]) or GEO_CODE_TYPES_BY_KIND.get(authority.kind)


def _places_by_area() -> dict[int, list[dict]]:
    """Each policing area's local authorities as 360Giving locations, in one query: a county
    that spans several areas belongs to none, its districts each to theirs."""
    places: dict[int, list[dict]] = defaultdict(list)
    authorities = LocalAuthority.objects.filter(policing_area__isnull=False).order_by(
        "policing_area_id", "name"
    )
    for authority in authorities:
        place = {
            "id": authority.ons_code,
            "name": authority.name,
            "countryCode": COUNTRY,
            "geoCode": authority.ons_code,
        }
        code_type = geo_code_type(authority)
        if code_type:
            place["geoCodeType"] = code_type
        places[authority.policing_area_id].append(place)
    return places


# What a grant's record reads of its award, in one query per chunk of awards: plain values, not
# models, as 5,000 awards must come out in well under a second.
FIELDS = {
    "pk": "pk",
    "amount": "amount",
    "conditions": "conditions",
    "reasons": "reasons",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "decided_by": "decided_by",
    "decided_on": "decided_on",
    "updated_at": "updated_at",
    "disbursed": "disbursed",
    "application": "application_id",
    "reference": "application__reference",
    "kind": "application__kind",
    "title": "application__project_title",
    "summary": "application__project_summary",
    "requested": "application__amount_requested",
    "postcode": "application__organisation_postcode",
    "application_updated_at": "application__updated_at",
    "scheme_name": "application__scheme__name",
    "scheme_slug": "application__scheme__slug",
    "programme_code": "application__scheme__grant_programme_code",
    "organisation": "application__organisation_id",
    "organisation_name": "application__organisation__name",
    "charity_number": "application__organisation__charity_number",
    "company_number": "application__organisation__company_number",
    "website": "application__organisation__website",
    "activity_number": "application__activity_area__number",
    "activity_name": "application__activity_area__name",
    "decision_slug": "decision_record__slug",
    "decision_title": "decision_record__title",
    "decision_public": "decision_record__is_public",
}


def published_awards():
    """Every published award as the values its record needs, newest first."""
    return (
        Award.objects.published()
        .with_disbursed()
        .order_by("-decided_on", "-pk")
        .values(*FIELDS.values())
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class _Related:
    """What many awards share or hold several of, read once for all of them: the areas each
    award serves, the objectives of each application, the places of each area, and each
    recipient's org-id (worked out by the organisation itself, once per organisation)."""

    def __init__(self, awards):
        self.places = _places_by_area()
        self.areas = {area.pk: area for area in PolicingArea.objects.order_by("position", "name")}
        self.areas_of: dict[int, list[int]] = defaultdict(list)
        served = Award.beneficiary_areas.through.objects.filter(award__in=awards)
        for award_id, area_id in served.values_list("award_id", "policingarea_id"):
            self.areas_of[award_id].append(area_id)
        self.objectives_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
        worked_towards = Application.objectives.through.objects.filter(
            application__award__in=awards
        ).order_by("objective__number")
        for application_id, number, title in worked_towards.values_list(
            "application_id", "objective__number", "objective__title"
        ):
            self.objectives_of[application_id].append((number, title))
        self._org_ids: dict[int, str] = {}

    def org_id(self, row: dict) -> str:
        pk = row["organisation"]
        if pk not in self._org_ids:
            self._org_ids[pk] = Organisation(
                pk=pk, charity_number=row["charity_number"], company_number=row["company_number"]
            ).org_id
        return self._org_ids[pk]

    def locations(self, award_id: int) -> list[dict]:
        areas = sorted(
            (self.areas[pk] for pk in self.areas_of.get(award_id, ()) if pk in self.areas),
            key=lambda area: (area.position, area.name),
        )
        return [
            place
            for area in areas
            for place in self.places.get(area.pk) or [{"name": area.name, "countryCode": COUNTRY}]
        ]


def _modified(row: dict) -> str:
    changed = max(row["updated_at"], row["application_updated_at"])
    return timezone.localtime(changed).isoformat(timespec="seconds")


def _recipient(row: dict, related: _Related) -> dict:
    recipient = {"id": related.org_id(row), "name": row["organisation_name"]}
    if row["charity_number"]:
        recipient["charityNumber"] = row["charity_number"]
    if row["company_number"]:
        recipient["companyNumber"] = row["company_number"]
    if row["postcode"]:
        recipient["postalCode"] = row["postcode"]
        recipient["addressCountry"] = "United Kingdom"
    if row["website"]:
        recipient["url"] = row["website"]
    return recipient


def _classifications(row: dict, prefix: str, related: _Related) -> list[dict]:
    found = []
    if row["activity_number"] is not None:
        found.append(
            {
                "vocabulary": f"{prefix}-activity-area",
                "code": str(row["activity_number"]),
                "title": row["activity_name"],
            }
        )
    for number, title in related.objectives_of.get(row["application"], ()):
        found.append({"vocabulary": f"{prefix}-objective", "code": str(number), "title": title})
    return found


def grant_record(row: dict, *, office: Publisher, related: _Related) -> dict:
    """One award (a row of published_awards()) as a 360Giving grant, a dict ready for JSON."""
    record = {
        "id": grant_id(office.prefix, row["reference"], row["pk"]),
        "title": row["title"],
        "description": row["summary"] or row["title"],
        "currency": CURRENCY,
        "amountAwarded": float(row["amount"]),
        "awardDate": row["decided_on"].isoformat(),
        "plannedDates": [
            {
                "startDate": row["starts_on"].isoformat(),
                "endDate": row["ends_on"].isoformat(),
                "duration": duration_in_months(row["starts_on"], row["ends_on"]),
            }
        ],
        "recipientOrganization": [_recipient(row, related)],
        "fundingOrganization": [{"id": office.org_id, "name": office.name}],
        "grantProgramme": [
            {"code": row["programme_code"] or row["scheme_slug"], "title": row["scheme_name"]}
        ],
        "fromOpenCall": "No" if row["kind"] == Application.Kind.DIRECT_AWARD else "Yes",
        "dateModified": _modified(row),
    }
    if row["requested"]:
        record["amountAppliedFor"] = float(row["requested"])
    if row["disbursed"]:
        record["amountDisbursed"] = float(row["disbursed"])
    locations = related.locations(row["pk"])
    if locations:
        record["beneficiaryLocation"] = locations
        record["locationScope"] = LOCAL_AUTHORITY_SCOPE
    classifications = _classifications(row, office.prefix, related)
    if classifications:
        record["classifications"] = classifications
    if row["decision_slug"] and row["decision_public"]:
        decision = Decision(slug=row["decision_slug"])
        record["relatedDocument"] = [
            {
                "id": f"{office.prefix}-decision-{row['decision_slug']}",
                "title": row["decision_title"],
                "url": _absolute(decision.get_absolute_url()),
                "documentType": "Decision notice",
            }
        ]
    # The Specified Information Order: each crime and disorder reduction grant is published with
    # its conditions and the reasons it was made. The standard has no field for either.
    record["conditions"] = row["conditions"]
    record["reasons"] = row["reasons"]
    record["decidedBy"] = row["decided_by"]
    return record


def grant_records() -> Iterator[dict]:
    """Every published award as a 360Giving grant, newest first: a fixed number of queries,
    whatever the number of awards."""
    office = publisher()
    related = _Related(Award.objects.published())
    renamed = {value: key for key, value in FIELDS.items()}
    for values in published_awards().iterator(chunk_size=CHUNK):
        row = {renamed[name]: value for name, value in values.items()}
        yield grant_record(row, office=office, related=related)


def package_metadata(*, download_url: str, access_url: str) -> dict:
    office = publisher()
    metadata = {
        "version": STANDARD_VERSION,
        "title": f"Grants awarded by the {office.name}",
        "description": (
            "Every grant the office has awarded and published, with the conditions attached "
            "to it and the reasons it was made."
        ),
        "modified": timezone.localtime().isoformat(timespec="seconds"),
        "publisher": {"name": office.name, "identifier": office.org_id},
        "license": LICENCE,
    }
    # Absolute addresses only: the standard checks them as URIs.
    if download_url:
        metadata["downloadURL"] = download_url
    if access_url:
        metadata["accessURL"] = access_url
    if office.website:
        metadata["publisher"]["website"] = office.website
    return metadata


def json_chunks(*, download_url: str, access_url: str) -> Iterator[str]:
    """The package as JSON text, a grant at a time: the metadata, then `"grants": [...]`."""
    head = json.dumps(package_metadata(download_url=download_url, access_url=access_url))
    yield head[:-1] + ', "grants": ['
    for n, record in enumerate(grant_records()):
        yield ("," if n else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def package(*, download_url: str = "", access_url: str = "") -> dict:
    """The whole package as a dict (for tests and small callers)."""
    return json.loads("".join(json_chunks(download_url=download_url, access_url=access_url)))


# --- The spreadsheet form ------------------------------------------------------------------------

# 360Giving's own column titles for the fields each record may carry, in this order; arrays of
# one item use the rolled-up titles ("Recipient Org:Identifier").
COLUMNS: list[tuple[str, tuple]] = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Planned Dates:Duration (months)", ("plannedDates", 0, "duration")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Recipient Org:Postal Code", ("recipientOrganization", 0, "postalCode")),
    ("Recipient Org:Country", ("recipientOrganization", 0, "addressCountry")),
    ("Recipient Org:Web Address", ("recipientOrganization", 0, "url")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Location Scope", ("locationScope",)),
]
LOCATION_COLUMNS = [
    ("Name", "name"),
    ("Country Code", "countryCode"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
]
CLASSIFICATION_COLUMNS = [("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")]
DOCUMENT_COLUMNS = [
    ("Related Document:Identifier", ("relatedDocument", 0, "id")),
    ("Related Document:Title", ("relatedDocument", 0, "title")),
    ("Related Document:Web Address", ("relatedDocument", 0, "url")),
    ("Related Document:Document Type", ("relatedDocument", 0, "documentType")),
    ("Last Modified", ("dateModified",)),
]
# The Order's particulars, which the standard has no field for, as columns of their own.
ORDER_COLUMNS = [
    ("Conditions", ("conditions",)),
    ("Reasons", ("reasons",)),
    ("Decided By", ("decidedBy",)),
]


def _dig(record: dict, path: tuple):
    value = record
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return ""
    return value


def _cell(value):
    """A cell as written: a text a spreadsheet would run as a formula gets a leading
    apostrophe (the text is the public's)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def csv_header(*, locations: int, classifications: int) -> list[str]:
    header = [title for title, _ in COLUMNS]
    header += [
        f"Beneficiary Location:{n}:{title}"
        for n in range(locations)
        for title, _ in LOCATION_COLUMNS
    ]
    header += [
        f"Classifications:{n}:{title}"
        for n in range(classifications)
        for title, _ in CLASSIFICATION_COLUMNS
    ]
    header += [title for title, _ in DOCUMENT_COLUMNS + ORDER_COLUMNS]
    return header


def csv_row(record: dict, *, locations: int, classifications: int) -> list:
    row = [_dig(record, path) for _, path in COLUMNS]
    places = record.get("beneficiaryLocation", [])
    for n in range(locations):
        place = places[n] if n < len(places) else {}
        row += [place.get(key, "") for _, key in LOCATION_COLUMNS]
    kinds = record.get("classifications", [])
    for n in range(classifications):
        kind = kinds[n] if n < len(kinds) else {}
        row += [kind.get(key, "") for _, key in CLASSIFICATION_COLUMNS]
    row += [_dig(record, path) for _, path in DOCUMENT_COLUMNS + ORDER_COLUMNS]
    return [_cell(value) for value in row]


def csv_text() -> str:
    """The grants as a 360Giving spreadsheet (CSV): one row per grant; a grant serving several
    local authorities, or classified several ways, fills numbered columns, as many as the
    widest grant needs."""
    records = list(grant_records())
    locations = max((len(r.get("beneficiaryLocation", [])) for r in records), default=0)
    classifications = max((len(r.get("classifications", [])) for r in records), default=0)
    output = io.StringIO()
    # The byte-order mark tells spreadsheets the file is UTF-8, for names in any language.
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow(csv_header(locations=locations, classifications=classifications))
    for record in records:
        writer.writerow(csv_row(record, locations=locations, classifications=classifications))
    return output.getvalue()


def download_urls(request) -> tuple[str, str]:
    """The JSON's own address and the awards page's, as the package names them."""
    return (
        request.build_absolute_uri(reverse("grants:threesixty_json")),
        request.build_absolute_uri(reverse("grants:awarded")),
    )
