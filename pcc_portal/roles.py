"""The roles, as data: their names, what each means, and what each may do here.

The role names and their meaning live in this one table. What a role may do in an app belongs to
that app: each registers its roles' permission patterns from its AppConfig.ready()
(`pcc_portal.registry.register_role_permissions`). Everyone reads the result through Django's
permission system, which these groups feed: the admin, the staff pages, the API and the rules.

Each permission pattern is matched against "app_label.codename" (shell-style wildcards; "!" takes
one away). `sync_roles` runs after every migrate, so a new model's permissions join the roles
without a hand-written step.
"""

from dataclasses import dataclass
from fnmatch import fnmatch

from .registry import is_named_only, role_permissions

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
)
EDIT = ("add", "change", "delete")


def edit(*models: str) -> tuple[str, ...]:
    """("app.model", ...) -> the add, change and delete permissions of each."""
    return tuple(
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in EDIT
    )


@dataclass(frozen=True)
class Role:
    name: str
    meaning: str
    # This floor's own permissions; the apps above add theirs through the registry.
    permissions: tuple[str, ...]
    staff: bool  # may use the admin and the staff pages
    two_factor: bool = True  # must sign in with a second factor where DEBUG is off


ADMINISTRATOR = Role("Administrator", "Runs the portal: every record and setting.", ("*",), True)
ENGAGEMENT_OFFICER = Role(
    "Engagement officer",
    "Keeps the charter, organisations and events, and coordinates the ambassadors.",
    REFERENCE + ("pcc_portal.*_staffmember",),
    staff=True,
)
GRANTS_OFFICER = Role("Grants officer", "Runs the grant schemes and rounds.", REFERENCE, staff=True)
GRANT_ASSESSOR = Role(
    "Grant assessor", "Scores grant applications; cannot decide them.", REFERENCE, staff=True
)
PERFORMANCE_OFFICER = Role(
    "Performance officer",
    "Keeps the Police and Crime Plan's aims and objectives and reports on the delivery plan.",
    REFERENCE
    + edit("pcc_portal.aim", "pcc_portal.objective", "pcc_portal.successmeasure")
    # Whether a task's lead was reminded of a milestone.
    + ("pcc_portal.view_remindersent",),
    staff=True,
)
STAFF_OFFICER = Role(
    "Staff officer",
    "Supports the office holder: the queue of raised issues, the office's pages and areas, "
    "and the register of decisions.",
    REFERENCE
    + edit(
        "pcc_portal.policingarea",
        "pcc_portal.localauthority",
        "pcc_portal.sitepage",
        "pcc_portal.decision",
    )
    + ("pcc_portal.change_officeprofile", "pcc_portal.view_decision")
    + ("pcc_portal.view_remindersent",),
    staff=True,
)
COMMISSIONER = Role(
    "Commissioner and Deputy",
    "See everything, record decisions on grants and outcomes, change nothing else.",
    # Other people's emails (one by one or a newsletter's), reminders and device tokens are the
    # administrator's business only.
    (
        "pcc_portal.view_*",
        "!pcc_portal.view_outboundmessage",
        "!pcc_portal.view_remindersent",
        "!pcc_portal.view_bulkdelivery",
        "!pcc_portal.view_devicetoken",
    ),
    staff=True,
)
AMBASSADOR = Role(
    "Ambassador",
    "A community ambassador: logs contacts in the field and raises issues.",
    REFERENCE,
    staff=False,
)
APPLICANT = Role(
    "Applicant",
    "A public account for grant applications only.",
    (),
    staff=False,
    two_factor=False,
)

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


def patterns_of(role: Role) -> tuple[str, ...]:
    """The role's permission patterns: this floor's and every registered app's."""
    registered = tuple(
        pattern
        for app_patterns in role_permissions.values()
        for pattern in app_patterns.get(role.name, ())
    )
    return role.permissions + registered


def matches(role: Role, app_label: str, codename: str) -> bool:
    """True if a pattern grants the permission and no "!pattern" takes it away.

    A permission for named people only (`registry.named_only_permissions`) is matched by no
    wildcard: only a pattern that spells it out.
    """
    patterns = patterns_of(role)
    name = f"{app_label}.{codename}"
    if is_named_only(name):
        return name in patterns and f"!{name}" not in patterns
    if "*" in patterns:
        return True
    granted = any(fnmatch(name, p) for p in patterns if not p.startswith("!"))
    denied = any(fnmatch(name, p[1:]) for p in patterns if p.startswith("!"))
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
