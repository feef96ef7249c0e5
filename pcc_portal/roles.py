"""The roles, as data: who may do what. One table, read by the admin, the staff pages and the API
alike (they all ask Django's permission system, which these groups feed).

Each permission pattern is matched against "app_label.codename" (shell-style wildcards). Later
apps add their models' permissions here; `sync_roles` runs after every migrate, so a new model's
permissions join the roles without a hand-written step.
"""

from dataclasses import dataclass
from fnmatch import fnmatch

OUR_APPS = ("pcc_portal", "engagement", "grants", "consultations", "delivery_plan")

# The reference data everybody who works for the office reads.
REFERENCE = (
    "pcc_portal.view_officeprofile",
    "pcc_portal.view_policingarea",
    "pcc_portal.view_localauthority",
    "pcc_portal.view_aim",
    "pcc_portal.view_objective",
    "pcc_portal.view_successmeasure",
    "pcc_portal.view_sitepage",
    "pcc_portal.view_staffmember",
    "engagement.view_activityarea",
    "engagement.view_charterprinciple",
    "engagement.view_engagementlevel",
    "engagement.view_reachedgroup",
    "engagement.view_network",
)
# What everybody who works for the office sees of the engagement work.
ENGAGEMENT_VIEW = (
    "engagement.view_organisation",
    "engagement.view_ambassador",
    "engagement.view_contactvolunteer",
    "engagement.view_contact",
    "engagement.view_raisedissue",
    "engagement.view_raisedissuetransition",
    "engagement.view_event",
    "engagement.view_standingmeeting",
    "engagement.view_workplan",
    "engagement.view_workplanfocus",
    "engagement.view_workplanreview",
)
EDIT = ("add", "change", "delete")


def _edit(*models: str) -> tuple[str, ...]:
    return tuple(
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in EDIT
    )


@dataclass(frozen=True)
class Role:
    name: str
    permissions: tuple[str, ...]
    staff: bool  # may use the admin and the staff pages
    two_factor: bool = True  # must sign in with a second factor where DEBUG is off


ADMINISTRATOR = Role("Administrator", ("*",), staff=True)
# The engagement officer also coordinates the ambassadors: all of the engagement app.
ENGAGEMENT_OFFICER = Role(
    "Engagement officer", REFERENCE + ("engagement.*", "pcc_portal.*_staffmember"), staff=True
)
GRANTS_OFFICER = Role(
    "Grants officer",
    REFERENCE
    + (
        "engagement.view_organisation",
        "engagement.add_organisation",
        "engagement.change_organisation",
    ),
    staff=True,
)
GRANT_ASSESSOR = Role("Grant assessor", REFERENCE + ("engagement.view_organisation",), staff=True)
PERFORMANCE_OFFICER = Role(
    "Performance officer",
    REFERENCE
    + ENGAGEMENT_VIEW
    + _edit("pcc_portal.aim", "pcc_portal.objective", "pcc_portal.successmeasure"),
    staff=True,
)
# The staff officer keeps the queue of issues raised for the Commissioner.
STAFF_OFFICER = Role(
    "Staff officer",
    REFERENCE
    + ENGAGEMENT_VIEW
    + _edit("pcc_portal.policingarea", "pcc_portal.localauthority", "pcc_portal.sitepage")
    + ("pcc_portal.change_officeprofile", "engagement.change_raisedissue")
    + _edit("engagement.event", "engagement.standingmeeting"),
    staff=True,
)
# The Commissioner and Deputy see everything and change nothing (decisions come with grants).
COMMISSIONER = Role(
    "Commissioner and Deputy",
    tuple(f"{app}.view_*" for app in OUR_APPS)
    # Other people's emails and device tokens are the administrator's business only.
    + ("!pcc_portal.view_outboundmessage", "!pcc_portal.view_devicetoken"),
    staff=True,
)
# Ambassadors log their own contacts and add the organisations of their area; which rows they
# may see is narrowed by the querysets' visible_to().
AMBASSADOR = Role(
    "Ambassador",
    REFERENCE
    + (
        "engagement.view_contact",
        "engagement.add_contact",
        "engagement.change_contact",
        "engagement.view_organisation",
        "engagement.add_organisation",
        "engagement.view_event",
    ),
    staff=False,
)
# A public account for grant applications only.
APPLICANT = Role("Applicant", (), staff=False, two_factor=False)

ROLES = (
    ADMINISTRATOR,
    ENGAGEMENT_OFFICER,
    GRANTS_OFFICER,
    GRANT_ASSESSOR,
    PERFORMANCE_OFFICER,
    STAFF_OFFICER,
    COMMISSIONER,
    AMBASSADOR,
    APPLICANT,
)
ROLES_BY_NAME = {role.name: role for role in ROLES}


def matches(role: Role, app_label: str, codename: str) -> bool:
    """True if a pattern grants the permission and no "!pattern" takes it away."""
    if role.permissions == ("*",):
        return True
    name = f"{app_label}.{codename}"
    granted = any(fnmatch(name, p) for p in role.permissions if not p.startswith("!"))
    denied = any(fnmatch(name, p[1:]) for p in role.permissions if p.startswith("!"))
    return granted and not denied


def sync_roles(group_model, permission_model) -> None:
    """Make one group per role holding exactly the permissions its patterns match."""
    permissions = list(permission_model.objects.select_related("content_type"))
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.name)
        wanted = [p for p in permissions if matches(role, p.content_type.app_label, p.codename)]
        group.permissions.set(wanted)


def create_all_permissions(apps, using="default") -> None:
    """Django creates each app's permissions only after that app migrates; roles need them all.

    `apps` is the migration state; models it does not hold yet are skipped.
    """
    from django.apps import apps as installed_apps
    from django.contrib.auth.management import create_permissions

    for app_config in installed_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)


def sync_roles_after_migrate(sender, using="default", apps=None, **kwargs):
    if sender.name != "pcc_portal":
        return
    if apps is None:  # `manage.py flush` sends the signal without the migration state
        from django.apps import apps
    create_all_permissions(apps, using=using)
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def roles_of(user) -> list[Role]:
    names = {group.name for group in user.groups.all()}
    return [role for role in ROLES if role.name in names]


def requires_two_factor(user) -> bool:
    """Staff and ambassadors sign in with a second factor; applicants and the public do not."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(role.two_factor for role in roles_of(user))
