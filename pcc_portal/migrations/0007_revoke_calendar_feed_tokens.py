"""Calendar feed links used to carry a device token, which is a full API key. Feeds now have a
secret of their own, so the tokens handed out as feed links are revoked: they open neither a
feed nor the API any more."""

from django.db import migrations
from django.utils import timezone

# The name the staff calendar gave the device tokens it issued as feed links.
OLD_FEED_NAME = "Calendar feed"


def revoke_feed_tokens(apps, schema_editor):
    DeviceToken = apps.get_model("pcc_portal", "DeviceToken")
    DeviceToken.objects.filter(name=OLD_FEED_NAME, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("pcc_portal", "0006_calendar_feeds_sign_in_limits_text_limits")]

    operations = [migrations.RunPython(revoke_feed_tokens, migrations.RunPython.noop)]
