"""What each role may do with consultations. The role names and their meaning are the portal's
(pcc_portal/roles.py); these patterns are registered from apps.py."""

from pcc_portal.roles import (
    COMMISSIONER,
    ENGAGEMENT_OFFICER,
    PERFORMANCE_OFFICER,
    STAFF_OFFICER,
)

ROLE_PERMISSIONS = {
    # Engagement officers build, publish, analyse and publish the outcomes of consultations.
    ENGAGEMENT_OFFICER.name: ("consultations.*",),
    PERFORMANCE_OFFICER.name: ("consultations.view_*",),
    STAFF_OFFICER.name: ("consultations.view_*",),
    COMMISSIONER.name: ("consultations.view_*",),
}
