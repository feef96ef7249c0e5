"""The GOV.UK error summary links each error to the answer that needs changing: a radios or
checkboxes question to its first option."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_link_in_the_error_summary_lands_on_an_input(
    client, sign_in, ambassador, reference_data
):
    from django.urls import reverse

    sign_in(ambassador.user)
    form_page = client.get(reverse("engagement:contact_new"), follow=True)
    key = re.search(r'name="submission_key" value="([^"]+)"', form_page.content.decode()).group(1)
    response = client.post(form_page.request["PATH_INFO"] + "?key=" + key, {"submission_key": key})
    page = response.content.decode()
    summary = page[
        page.index("govuk-error-summary__list") : page.index(
            "</ul>", page.index("govuk-error-summary__list")
        )
    ]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert "id_method_1" in targets and "id_activity_areas_1" in targets
    for target in targets:
        assert f'id="{target}"' in page, target
