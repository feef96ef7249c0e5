from datetime import timedelta

import pytest
from django.utils import timezone

from pcc_portal.models import DeviceToken
from pcc_portal.services import issue_device_token, revoke_device_token
from tests.pcc_portal.factories import (
    AimFactory,
    LocalAuthorityFactory,
    ObjectiveFactory,
    PolicingAreaFactory,
    SuccessMeasureFactory,
)

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/policing-areas/" in schema["paths"]
    assert "/api/v1/charter-principles/" in schema["paths"]


def test_the_schema_draws_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/contacts/{id}/" in (tmp_path / "schema.yaml").read_text()


def test_docs_are_served_without_third_party_scripts(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html


def test_reference_data_reads(client, reference_data, token_for):
    headers = token_for()
    areas = client.get("/api/v1/policing-areas/", **headers).json()
    assert areas["count"] == 5
    assert {a["name"] for a in areas["results"]} >= {"Herefordshire", "Telford & Wrekin"}
    assert all(a["residents"] > 0 for a in areas["results"])
    aims = client.get("/api/v1/aims/", **headers).json()["results"]
    assert len(aims) == 4
    assert sum(len(aim["objectives"]) for aim in aims) == 13
    assert aims[0]["objectives"][0]["success_measures"]
    levels = client.get("/api/v1/engagement-levels/", **headers).json()["results"]
    assert "Website" in levels[0]["ways_to_engage"]
    filtered = client.get(
        "/api/v1/local-authorities/?policing_area__slug=north-worcestershire", **headers
    ).json()
    assert filtered["count"] == 3


def test_a_revoked_or_expired_token_is_refused(client, make_user):
    user = make_user("Ambassador")
    token, key = issue_device_token(user=user, name="Phone", verified=True)
    header = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/policing-areas/", **header).status_code == 200
    revoke_device_token(token=token)
    assert client.get("/api/v1/policing-areas/", **header).status_code == 401
    other, other_key = issue_device_token(user=user, name="Tablet", verified=True)
    DeviceToken.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/policing-areas/", HTTP_AUTHORIZATION=f"Token {other_key}")
    assert response.status_code == 401


def test_only_a_hash_of_the_key_is_stored(make_user):
    token, key = issue_device_token(user=make_user("Ambassador"), name="Phone", verified=True)
    token.refresh_from_db()
    assert key not in (token.key_hash, token.key_prefix)
    assert token.key_prefix == key[:8]
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_a_token_needs_a_two_factor_sign_in(make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="two-factor"):
        issue_device_token(user=make_user("Ambassador"), name="Phone", verified=False)


def test_writing_to_a_read_only_endpoint_is_refused_not_an_error(client, reference_data, token_for):
    response = client.post("/api/v1/policing-areas/", {"name": "X"}, **token_for("Administrator"))
    assert response.status_code == 405


def test_an_unknown_filter_value_is_a_400_not_a_500(client, reference_data, token_for):
    response = client.get("/api/v1/objectives/?aim__number=not-a-number", **token_for())
    assert response.status_code == 400
    assert "aim__number" in response.json()


def policing_areas(count):
    """Areas of two local authorities each: their residents are summed."""
    for area in PolicingAreaFactory.create_batch(count):
        LocalAuthorityFactory.create_batch(2, policing_area=area)


def local_authorities(count):
    """Districts inside a county: each names its parent and its policing area."""
    county = LocalAuthorityFactory(kind="county")
    LocalAuthorityFactory.create_batch(count - 1, parent=county)


def aims(count):
    """Aims of two objectives each, each objective with two success measures."""
    for _ in range(count):
        aim = AimFactory()
        for objective in ObjectiveFactory.create_batch(2, aim=aim):
            SuccessMeasureFactory.create_batch(2, objective=objective)


def objectives(count):
    for objective in ObjectiveFactory.create_batch(count):
        SuccessMeasureFactory.create_batch(2, objective=objective)


# The reference data's lists, the same count of queries at 5 rows and at 50 (decision 25), and
# under a ceiling: three for the device token and the permissions, one to count, one for the
# page, one for each prefetched relation.
@pytest.mark.parametrize(
    "path, make_rows, most",
    [
        ("/api/v1/policing-areas/", policing_areas, 5),
        ("/api/v1/local-authorities/", local_authorities, 5),
        ("/api/v1/aims/", aims, 7),
        ("/api/v1/objectives/", objectives, 6),
    ],
    ids=["policing-areas", "local-authorities", "aims", "objectives"],
)
def test_list_query_counts_do_not_grow_with_rows(
    client, token_for, assert_flat_queries, path, make_rows, most
):
    headers = token_for()
    response = assert_flat_queries(make_rows, lambda: client.get(path, **headers), at_most=most)
    assert response.json()["count"] == 50
