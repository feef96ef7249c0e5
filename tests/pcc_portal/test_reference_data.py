import io

import pytest
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
from pcc_portal.reference_data import load_reference_data

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
