import io
import re

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from engagement.models import ActivityArea, CharterPrinciple, EngagementLevel
from pcc_portal.models import (
    Aim,
    LocalAuthority,
    Objective,
    OfficeProfile,
    PolicingArea,
    SitePage,
    SuccessMeasure,
)
from pcc_portal.reference_data import (
    OFFICES_DIR,
    IncompleteOfficeFile,
    known_offices,
    load_reference_data,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            OfficeProfile,
            PolicingArea,
            LocalAuthority,
            Aim,
            Objective,
            SuccessMeasure,
            ActivityArea,
            CharterPrinciple,
            EngagementLevel,
            SitePage,
        )
    }


def test_loads_the_default_office_from_its_data_file():
    report = load_reference_data(office="west_mercia")
    assert report.created > 0
    assert counts() == {
        "OfficeProfile": 1,
        "PolicingArea": 5,
        "LocalAuthority": 10,
        "Aim": 4,
        "Objective": 13,
        "SuccessMeasure": SuccessMeasure.objects.count(),
        "ActivityArea": 5,
        "CharterPrinciple": 6,
        "EngagementLevel": 4,
        "SitePage": 2,
    }
    assert SuccessMeasure.objects.count() >= 13
    assert all(o.success_measures.exists() for o in Objective.objects.all())
    assert [level.name for level in EngagementLevel.objects.all()] == [
        "Inform",
        "Consult",
        "Involve",
        "Forward Together",
    ]


def test_loading_twice_duplicates_nothing():
    load_reference_data(office="west_mercia")
    before = counts()
    second = load_reference_data(office="west_mercia")
    assert second.created == 0
    assert counts() == before


def test_a_second_load_keeps_what_staff_edited_unless_asked_to_update():
    load_reference_data(office="west_mercia")
    authority = LocalAuthority.objects.get(ons_code="E06000019")
    authority.residents = 190_000
    authority.save()
    load_reference_data(office="west_mercia")
    authority.refresh_from_db()
    assert authority.residents == 190_000
    report = load_reference_data(office="west_mercia", update=True)
    authority.refresh_from_db()
    assert authority.residents != 190_000
    assert report.sections["local_authorities"].updated == 1


def test_policing_area_population_is_the_sum_of_its_authorities():
    load_reference_data(office="west_mercia")
    north = PolicingArea.objects.with_residents().get(slug="north-worcestershire")
    districts = LocalAuthority.objects.filter(ons_code__in=["E07000234", "E07000236", "E07000239"])
    assert north.residents == sum(d.residents for d in districts)
    county = LocalAuthority.objects.get(ons_code="E10000034")
    assert county.policing_area is None
    assert county.districts.count() == 6


def test_another_office_loads_its_own_data():
    call_command("load_reference_data", office="warwickshire", stdout=io.StringIO())
    profile = OfficeProfile.objects.get()
    assert profile.area_name == "Warwickshire"
    assert PolicingArea.objects.count() == 5
    # The accessibility statement names the office that was loaded.
    assert profile.office_name in SitePage.objects.get(slug="accessibility").body


def test_an_unknown_office_is_a_clear_error():
    with pytest.raises(CommandError, match="No data file for office 'nowhere'.*west_mercia"):
        call_command("load_reference_data", office="nowhere")
    assert counts()["PolicingArea"] == 0


def test_the_load_is_all_or_nothing(monkeypatch):
    from pcc_portal import reference_data

    def broken(rows, *, update):
        raise KeyError("name")

    monkeypatch.setitem(reference_data.reference_sections.entries, "activity_areas", broken)
    with pytest.raises(KeyError):
        load_reference_data(office="west_mercia")
    assert PolicingArea.objects.count() == 0


# --- An office file is complete or refused (decision 39) ----------------------------------------

DEFAULT_OFFICE_FILE = OFFICES_DIR / "west_mercia.toml"


def without(text: str, section: str, key: str | None = None) -> str:
    """The TOML text without `section`'s tables (its sub-tables too) or, given `key`, without
    that key in each of them."""
    kept, current = [], None
    for line in text.splitlines():
        header = re.match(r"^\[\[?([\w.]+)\]\]?\s*$", line)
        if header:
            current = header.group(1)
        inside = current is not None and (current == section or current.startswith(section + "."))
        if inside and (key is None or re.match(rf"^{key}\s*=", line)):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


@pytest.fixture
def office_file(tmp_path, monkeypatch):
    """office_file(text) -> the name of a temporary office whose data file holds `text`."""
    monkeypatch.setattr("pcc_portal.reference_data.OFFICES_DIR", tmp_path)

    def write(text: str) -> str:
        (tmp_path / "incomplete.toml").write_text(text, encoding="utf-8")
        return "incomplete"

    return write


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ("policing_areas", "policing areas"),
        ("local_authorities", "local authorities"),
        ("activity_areas", "activity areas"),
        ("engagement_levels", "engagement levels"),
    ],
)
def test_an_office_file_without_a_required_section_loads_nothing(office_file, section, named):
    office = office_file(without(DEFAULT_OFFICE_FILE.read_text(encoding="utf-8"), section))

    with pytest.raises(CommandError, match=f"Nothing was loaded.*{named}"):
        call_command("load_reference_data", office=office, stdout=io.StringIO())

    assert set(counts().values()) == {0}


def test_local_authorities_without_residents_are_named(office_file):
    text = without(
        DEFAULT_OFFICE_FILE.read_text(encoding="utf-8"), "local_authorities", "residents"
    )

    with pytest.raises(IncompleteOfficeFile) as refused:
        load_reference_data(office=office_file(text))

    assert "residents of Herefordshire, County of (E06000019)" in str(refused.value)
    assert "residents of Redditch (E07000236)" in str(refused.value)
    # A county is not in one policing area: its districts' figures are the ones used.
    assert "E10000034" not in str(refused.value)
    assert set(counts().values()) == {0}


def test_a_policing_area_with_no_local_authority_is_named(office_file):
    text = DEFAULT_OFFICE_FILE.read_text(encoding="utf-8").replace(
        'policing_area = "herefordshire"', 'policing_area = "shropshire"'
    )
    with pytest.raises(IncompleteOfficeFile, match="a local authority in Herefordshire"):
        load_reference_data(office=office_file(text))


def test_engagement_levels_without_their_text_are_named(office_file):
    text = without(DEFAULT_OFFICE_FILE.read_text(encoding="utf-8"), "engagement_levels", "aim")
    with pytest.raises(IncompleteOfficeFile, match="the aim of engagement level 'Inform'"):
        load_reference_data(office=office_file(text))
    assert EngagementLevel.objects.count() == 0


def test_everything_missing_is_named_at_once(office_file):
    text = DEFAULT_OFFICE_FILE.read_text(encoding="utf-8")
    for section in ("activity_areas", "engagement_levels", "policing_areas"):
        text = without(text, section)
    with pytest.raises(IncompleteOfficeFile) as refused:
        load_reference_data(office=office_file(text))
    assert len(refused.value.missing) >= 3
    for named in ("policing areas", "activity areas", "engagement levels"):
        assert named in str(refused.value)


def test_every_office_shipped_is_complete():
    for office in known_offices():
        load_reference_data(office=office)


# --- The loader's summary counts each section's own rows ----------------------------------------


def test_each_section_counts_its_own_rows():
    out = io.StringIO()
    call_command("load_reference_data", office="west_mercia", stdout=out)
    lines = out.getvalue().splitlines()
    assert "  aims: 4 created, 0 updated, 0 unchanged" in lines
    assert "  objectives: 13 created, 0 updated, 0 unchanged" in lines
    measures = SuccessMeasure.objects.count()
    assert f"  success_measures: {measures} created, 0 updated, 0 unchanged" in lines
    assert "  policing_areas: 5 created, 0 updated, 0 unchanged" in lines
    assert "  local_authorities: 10 created, 0 updated, 0 unchanged" in lines
    assert "  activity_areas: 5 created, 0 updated, 0 unchanged" in lines

    again = io.StringIO()
    call_command("load_reference_data", office="west_mercia", stdout=again)
    assert "  aims: 0 created, 0 updated, 4 unchanged" in again.getvalue().splitlines()


# --- The system checks warn of an office in that state ------------------------------------------


def office_warnings() -> set[str]:
    return {message.id for message in run_checks(tags=["office"], include_deployment_checks=True)}


def test_the_checks_are_quiet_for_a_complete_office():
    load_reference_data(office="west_mercia")
    assert office_warnings() == set()


def test_the_checks_warn_of_a_policing_area_without_residents():
    load_reference_data(office="west_mercia")
    LocalAuthority.objects.filter(ons_code="E06000019").update(residents=None)
    warnings = run_checks(tags=["office"], include_deployment_checks=True)
    assert [w.id for w in warnings] == ["pcc_portal.W003"]
    assert "Herefordshire" in warnings[0].msg


def test_the_checks_warn_of_a_policing_area_without_local_authorities():
    load_reference_data(office="west_mercia")
    area = PolicingArea.objects.create(slug="nowhere", name="Nowhere")
    warnings = run_checks(tags=["office"], include_deployment_checks=True)
    assert [w.id for w in warnings] == ["pcc_portal.W003"]
    assert area.name in warnings[0].msg
