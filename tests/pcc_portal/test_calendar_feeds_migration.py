"""Feed links handed out before feeds had secrets of their own were device tokens: full API keys.
The migration that brings feed secrets revokes them."""

from importlib import import_module

import pytest
from django.apps import apps

from pcc_portal.models import DeviceToken
from pcc_portal.services import issue_device_token

pytestmark = pytest.mark.django_db

migration = import_module("pcc_portal.migrations.0007_revoke_calendar_feed_tokens")


def test_old_feed_links_are_revoked_and_phone_tokens_kept(make_user):
    user = make_user("Staff officer")
    old_feed, _ = issue_device_token(user=user, name="Calendar feed", verified=True)
    phone, _ = issue_device_token(user=user, name="Work phone", verified=True)
    migration.revoke_feed_tokens(apps, None)
    assert DeviceToken.objects.get(pk=old_feed.pk).revoked_at is not None
    assert DeviceToken.objects.get(pk=phone.pk).revoked_at is None
