"""What each role may do with consultations. The role names and their meaning are the portal's
(pcc_portal/roles.py); these patterns are registered from apps.py."""

from pcc_portal.roles import (
    COMMISSIONER,
    ENGAGEMENT_OFFICER,
    PERFORMANCE_OFFICER,
    STAFF_OFFICER,
)

# Equality-monitoring answers are special category data: seeing or exporting them raw is for
# people named in the admin, and the log of who did is the administrators'. Everyone else sees the
# suppressed tables. (The Administrator's "*" cannot reach the raw answers either: their
# permissions are registered as named-only from apps.py.)
NOT_EQUALITY = "!consultations.*equality*"
NAMED_ONLY = ("view_equality_answers", "export_equality_answers")

ROLE_PERMISSIONS = {
    # Engagement officers build, publish, analyse and publish the outcomes of consultations.
    ENGAGEMENT_OFFICER.name: ("consultations.*", NOT_EQUALITY),
    PERFORMANCE_OFFICER.name: ("consultations.view_*", NOT_EQUALITY),
    STAFF_OFFICER.name: ("consultations.view_*", NOT_EQUALITY),
    COMMISSIONER.name: ("consultations.view_*", NOT_EQUALITY),
}
