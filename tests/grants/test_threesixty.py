"""The 360Giving output: valid against the standard's unmodified schema 1.4.3 (decision 27), with
org-ids, ONS codes, the Order's conditions and reasons, the same grants as a spreadsheet, and the
system check that warns while the office's prefix is unset."""

import csv
import io
import json
import uuid
from copy import deepcopy
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import grants
from grants import threesixty
from grants.models import Application
from tests.engagement.factories import OrganisationFactory
from tests.grants.factories import GrantRoundFactory, GrantSchemeFactory, approved
from tests.grants.factories_published import AwardFactory
from tests.pcc_portal.factories import (
    LocalAuthorityFactory,
    ObjectiveFactory,
    PolicingAreaFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(grants.__file__).resolve().parent / "data" / "360giving"
SHARED_COPY = Path(grants.__file__).resolve().parents[2] / "shared" / "data" / "360giving"
JSON_URL = reverse("grants:threesixty_json")
CSV_URL = reverse("grants:threesixty_csv")
PREFIX = "360G-anyshirepcc"


def package_validator() -> Draft202012Validator:
    """The package schema, its grants checked against the grant schema read from the project's
    copy (never fetched), with formats asserted: without them a plain date matches both
    branches of the schema's date fields and fails as "valid under each of"."""
    grant_schema = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = Resource.from_contents(grant_schema, default_specification=DRAFT202012)
    # The package refers to the grant schema by a URL of its own (1.4.2's): both mean this copy.
    referred = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant_schema["$id"], grant), (referred, grant)])
    return Draft202012Validator(
        package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def problems(document) -> list[str]:
    return [error.message for error in package_validator().iter_errors(document)]


@pytest.fixture(autouse=True)
def prefix(settings):
    # Organisations with neither number take their org-id from the same prefix.
    settings.LOCAL_ORG_ID_PREFIX = PREFIX
    settings.SITE_URL = "https://portal.example.org"


@pytest.fixture
def office(office):
    """The office, with the 360Giving prefix its data file gives it."""
    office.threesixty_prefix = PREFIX
    office.save()
    return office


@pytest.fixture
def places():
    """An area of two local authorities (a unitary and a district) and one of none."""
    marches = PolicingAreaFactory(name="Marches", slug="marches", position=1)
    LocalAuthorityFactory(
        name="Shropshire", ons_code="E06000051", kind="unitary", policing_area=marches
    )
    LocalAuthorityFactory(
        name="Wyre Forest", ons_code="E07000239", kind="district", policing_area=marches
    )
    bare = PolicingAreaFactory(name="Elsewhere", slug="elsewhere", position=2)
    return marches, bare


@pytest.fixture
def awards(office, places):
    marches, bare = places
    grant_round = GrantRoundFactory(
        scheme__name="Grant scheme", scheme__grant_programme_code="PCC-GS"
    )
    charity = AwardFactory(
        application__round=grant_round,
        application__organisation=OrganisationFactory(
            name="Safer Streets Trust", charity_number="1123456"
        ),
        application__amount_requested=Decimal("6000.00"),
        amount=Decimal("5000.00"),
        areas=[marches],
    )
    charity.application.objectives.set([ObjectiveFactory(number=3, title="Reduce reoffending")])
    company = AwardFactory(
        application__round=grant_round,
        application__organisation=OrganisationFactory(
            name="Youth Works CIC", company_number="01234567"
        ),
        application__organisation_postcode="SY3 8HF",
        amount=Decimal("2500.50"),
        decided_on=date(2015, 6, 1),
        areas=[marches, bare],
        instalments=[(date(2015, 6, 1), "1500.50"), (date(2016, 6, 1), "1000.00")],
    )
    company.instalments.filter(number=1).update(paid_at=timezone.now())
    local = AwardFactory(
        application__round=None,
        application__kind=Application.Kind.DIRECT_AWARD,
        application__scheme=GrantSchemeFactory(name="Commissioned", is_public=False),
        application__organisation=OrganisationFactory(name="Street Pastors"),
        conditions='=HYPERLINK("http://example.org")',
        areas=[],
    )
    hidden = AwardFactory(
        application__round=None,
        application__kind=Application.Kind.DIRECT_AWARD,
        application__scheme=GrantSchemeFactory(
            name="Welfare", is_public=False, crime_and_disorder_reduction=False
        ),
        application__project_title="Not for publication",
    )
    return {"charity": charity, "company": company, "local": local, "hidden": hidden}


def grants_by_title(document) -> dict[str, dict]:
    return {grant["title"]: grant for grant in document["grants"]}


def test_the_json_is_valid_against_the_unmodified_schema(client, awards, people):
    approved(people)  # one award made through the services, with its decision in the register
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert len(document["grants"]) == 4
    assert problems(document) == []


def test_the_project_carries_the_schema_unmodified_with_its_readme():
    names = sorted(path.name for path in SCHEMA_DIR.iterdir())
    assert names == ["360-giving-package-schema.json", "360-giving-schema.json", "README.md"]
    if SHARED_COPY.is_dir():  # beside the repository on a developer's machine and in CI
        for name in names:
            assert (SCHEMA_DIR / name).read_bytes() == (SHARED_COPY / name).read_bytes(), name


@pytest.mark.parametrize(
    "required", ["id", "title", "currency", "amountAwarded", "awardDate", "fundingOrganization"]
)
def test_a_grant_missing_a_required_field_fails_the_schema(awards, required):
    document = threesixty.package()
    assert problems(document) == []
    broken = deepcopy(document)
    del broken["grants"][0][required]
    assert problems(broken), f"a grant without {required} passed"


def test_a_grant_without_a_recipient_or_with_a_bad_date_fails_the_schema(awards):
    document = threesixty.package()
    without_recipient = deepcopy(document)
    del without_recipient["grants"][0]["recipientOrganization"]
    assert problems(without_recipient)
    bad_date = deepcopy(document)
    bad_date["grants"][0]["awardDate"] = "2015-13-01"
    assert problems(bad_date)
    recipient_without_id = deepcopy(document)
    del recipient_without_id["grants"][0]["recipientOrganization"][0]["id"]
    assert any("'id' is a required property" in p for p in problems(recipient_without_id))


def test_org_ids_of_a_charity_a_company_and_an_organisation_with_neither(awards):
    found = {
        grant["recipientOrganization"][0]["name"]: grant["recipientOrganization"][0]
        for grant in threesixty.package()["grants"]
    }
    assert found["Safer Streets Trust"]["id"] == "GB-CHC-1123456"
    assert found["Safer Streets Trust"]["charityNumber"] == "1123456"
    assert found["Youth Works CIC"]["id"] == "GB-COH-01234567"
    assert found["Youth Works CIC"]["companyNumber"] == "01234567"
    assert found["Youth Works CIC"]["postalCode"] == "SY3 8HF"
    street_pastors = awards["local"].application.organisation
    assert found["Street Pastors"]["id"] == f"{PREFIX}-{street_pastors.pk}"


def test_the_grant_and_the_funder_are_identified_by_the_offices_prefix(awards, office):
    charity = awards["charity"]
    grant = next(
        g for g in threesixty.package()["grants"] if g["title"] == charity.application.project_title
    )
    assert grant["id"] == f"{PREFIX}-{charity.application.reference}"
    assert grant["fundingOrganization"] == [{"id": PREFIX, "name": office.office_name}]
    assert grant["grantProgramme"] == [{"code": "PCC-GS", "title": "Grant scheme"}]
    assert grant["currency"] == "GBP"
    assert grant["amountAwarded"] == 5000
    assert grant["amountAppliedFor"] == 6000
    assert grant["awardDate"] == "2015-05-15"
    assert grant["plannedDates"] == [
        {"startDate": "2015-06-01", "endDate": "2016-05-31", "duration": 12}
    ]
    assert grant["fromOpenCall"] == "Yes"
    assert grant["classifications"][-1] == {
        "vocabulary": f"{PREFIX}-objective",
        "code": "3",
        "title": "Reduce reoffending",
    }
    modified = grant["dateModified"]
    assert modified.startswith(str(timezone.localdate().year)) and "T" in modified


def test_the_orders_conditions_and_reasons_ride_along(awards):
    grant = grants_by_title(threesixty.package())[awards["local"].application.project_title]
    assert grant["conditions"] == '=HYPERLINK("http://example.org")'
    assert grant["reasons"] == "Reduces youth crime in the town centre"
    assert grant["decidedBy"] == "Alex Holder, Commissioner"
    assert grant["fromOpenCall"] == "No"


def test_beneficiary_locations_are_the_areas_local_authorities_by_ons_code(awards):
    grant = grants_by_title(threesixty.package())[awards["company"].application.project_title]
    assert grant["beneficiaryLocation"] == [
        {
            "id": "E06000051",
            "name": "Shropshire",
            "countryCode": "GB",
            "geoCode": "E06000051",
            "geoCodeType": "UA",
        },
        {
            "id": "E07000239",
            "name": "Wyre Forest",
            "countryCode": "GB",
            "geoCode": "E07000239",
            "geoCodeType": "NMD",
        },
        {"name": "Elsewhere", "countryCode": "GB"},  # an area with no authority on record
    ]
    assert grant["locationScope"] == "GLS050"


def test_what_has_been_paid_is_the_amount_disbursed(awards):
    found = grants_by_title(threesixty.package())
    assert found[awards["company"].application.project_title]["amountDisbursed"] == 1500.5
    assert "amountDisbursed" not in found[awards["charity"].application.project_title]


def test_only_published_awards_are_in_the_data(awards):
    titles = set(grants_by_title(threesixty.package()))
    assert awards["local"].application.project_title in titles  # hidden, section 9
    assert "Not for publication" not in titles  # hidden, outside section 9


def test_a_public_decision_is_a_related_document(client, people):
    _, award = approved(people)
    grant = threesixty.package()["grants"][0]
    decision = award.decision_record
    assert grant["relatedDocument"] == [
        {
            "id": f"{PREFIX}-decision-{decision.slug}",
            "title": decision.title,
            "url": f"https://portal.example.org{decision.get_absolute_url()}",
            "documentType": "Decision notice",
        }
    ]
    decision.is_public = False
    decision.save()
    assert "relatedDocument" not in threesixty.package()["grants"][0]


def test_the_package_names_its_publisher_and_addresses(client, awards, office):
    document = json.loads(client.get(JSON_URL).content)
    assert document["version"] == "1.4"
    assert document["publisher"]["name"] == office.office_name
    assert document["publisher"]["identifier"] == PREFIX
    assert document["downloadURL"].endswith(JSON_URL)
    assert document["accessURL"].endswith(reverse("grants:awarded"))


# --- The spreadsheet ---------------------------------------------------------------------------


def read_csv(client) -> list[dict]:
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="360giving.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_the_standards_columns_and_the_orders(client, awards):
    rows = read_csv(client)
    assert len(rows) == 3
    columns = list(rows[0])
    required = [
        "Identifier",
        "Title",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
    ]
    assert all(column in columns for column in required)
    assert columns[-3:] == ["Conditions", "Reasons", "Decided By"]
    # The widest grant serves three places: three numbered sets of location columns.
    assert "Beneficiary Location:2:Geographic Code" in columns
    assert "Beneficiary Location:3:Name" not in columns
    company = next(row for row in rows if row["Recipient Org:Name"] == "Youth Works CIC")
    assert company["Recipient Org:Identifier"] == "GB-COH-01234567"
    assert company["Amount Awarded"] == "2500.5"
    assert company["Amount Disbursed"] == "1500.5"
    assert company["Beneficiary Location:0:Geographic Code"] == "E06000051"
    assert company["Beneficiary Location:1:Geographic Code Type"] == "NMD"
    assert company["Planned Dates:Start Date"] == "2015-06-01"
    assert company["Reasons"] == "Reduces youth crime in the town centre"


def test_a_csv_cell_that_looks_like_a_formula_is_written_as_text(client, awards):
    rows = read_csv(client)
    pastors = next(row for row in rows if row["Recipient Org:Name"] == "Street Pastors")
    assert pastors["Conditions"] == '\'=HYPERLINK("http://example.org")'


# --- Queries, caching and the system check -----------------------------------------------------


def award_maker():
    grant_round = GrantRoundFactory()
    area = PolicingAreaFactory()
    LocalAuthorityFactory(policing_area=area)
    objective = ObjectiveFactory()

    def make(count):
        for _ in range(count):
            award = AwardFactory(application__round=grant_round, areas=[area])
            award.application.objectives.add(objective)

    return make


def test_the_json_takes_as_many_queries_for_50_awards_as_for_5(client, office, assert_flat_queries):
    response = assert_flat_queries(award_maker(), lambda: client.get(JSON_URL))
    assert len(json.loads(response.content)["grants"]) == 50


def test_the_csv_takes_as_many_queries_for_50_awards_as_for_5(client, office, assert_flat_queries):
    response = assert_flat_queries(award_maker(), lambda: client.get(CSV_URL))
    assert response.content.decode().count("\n") == 51


def test_the_data_is_cached_for_visitors_and_refreshed_by_a_change(
    client, awards, settings, django_assert_num_queries
):
    settings.PUBLIC_CACHE = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    for url in (JSON_URL, CSV_URL):
        first = client.get(url).content
        with django_assert_num_queries(0):
            assert client.get(url).content == first
    award = awards["charity"]
    award.reasons = "Cuts burglary in the market towns"
    award.save()
    assert b"Cuts burglary in the market towns" in client.get(JSON_URL).content
    assert b"Cuts burglary in the market towns" in client.get(CSV_URL).content


def test_the_system_check_warns_while_the_prefix_is_unset(office):
    office.threesixty_prefix = ""
    office.save()
    assert "grants.W001" in {message.id for message in run_checks(tags=["office"])}
    office.threesixty_prefix = PREFIX
    office.save()
    assert "grants.W001" not in {message.id for message in run_checks(tags=["office"])}


def test_the_office_named_as_funder_by_its_own_org_id_when_it_has_one(awards, office):
    office.funder_org_id = "GB-GOR-PC000123"
    office.save()
    grant = next(
        grant
        for grant in threesixty.grant_records()
        if grant["id"] == f"{PREFIX}-{awards['charity'].application.reference}"
    )
    assert grant["fundingOrganization"][0]["id"] == "GB-GOR-PC000123"


def test_a_project_of_a_year_lasts_twelve_months():
    start = date(2015, 4, 1)
    assert threesixty.duration_in_months(start, date(2016, 3, 31)) == 12
    assert threesixty.duration_in_months(start, start + timedelta(days=180)) == 6
