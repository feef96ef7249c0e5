"""The roles, as groups holding their permissions (the table lives in pcc_portal/roles.py)."""

from django.db import migrations


def make_roles(apps, schema_editor):
    from pcc_portal.roles import create_all_permissions, sync_roles

    create_all_permissions(apps, using=schema_editor.connection.alias)
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("pcc_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]
