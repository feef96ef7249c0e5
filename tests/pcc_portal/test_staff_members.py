"""Staff members: the leads of the delivery plan, named by their initials (decision 7)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pcc_portal.models import StaffMember

pytestmark = pytest.mark.django_db


def test_initials_are_unique_where_set_whatever_their_case():
    StaffMember.objects.create(name="Amy Green", initials="AG")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.create(name="Alan Grey", initials="ag")
    StaffMember.objects.create(name="Sam Smith")
    StaffMember.objects.create(name="Sam Jones")
    assert StaffMember.objects.filter(initials="").count() == 2


def test_the_admin_form_says_the_initials_are_taken():
    StaffMember.objects.create(name="Amy Green", initials="AG")
    with pytest.raises(ValidationError, match="Someone else already has these initials"):
        StaffMember(name="Alan Grey", initials="AG").full_clean()
