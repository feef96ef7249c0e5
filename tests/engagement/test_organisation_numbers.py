"""One record per registered body: a charity or company number names one organisation, so its
org-id (decision 5) is stable wherever it is published."""

import pytest
from django.core.exceptions import ValidationError

from engagement.models import Organisation
from tests.engagement.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "number", "message"),
    [
        ("charity_number", "1123456", "An organisation with this charity number"),
        ("company_number", "01234567", "An organisation with this company number"),
    ],
)
def test_a_number_already_recorded_is_refused_with_a_clear_message(field, number, message):
    OrganisationFactory(**{field: number})
    duplicate = Organisation(
        name="Second record", kind=Organisation.Kind.YOUTH_GROUP, **{field: number}
    )
    with pytest.raises(ValidationError, match=message):
        duplicate.full_clean()


def test_organisations_without_numbers_are_many():
    OrganisationFactory(charity_number="", company_number="")
    OrganisationFactory(charity_number="", company_number="")
    assert Organisation.objects.filter(charity_number="", company_number="").count() == 2
