"""What each role may do in the engagement work. The role names and their meaning are the
portal's (pcc_portal/roles.py); these patterns are registered from apps.py."""

from pcc_portal.roles import (
    AMBASSADOR,
    COMMISSIONER,
    ENGAGEMENT_OFFICER,
    GRANT_ASSESSOR,
    GRANTS_OFFICER,
    PERFORMANCE_OFFICER,
    STAFF_OFFICER,
    edit,
)

# The charter and its lists, read by everybody who works for the office.
REFERENCE = (
    "engagement.view_activityarea",
    "engagement.view_charterprinciple",
    "engagement.view_engagementlevel",
    "engagement.view_reachedgroup",
    "engagement.view_network",
)
# What everybody who works on engagement sees of it.
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

ROLE_PERMISSIONS = {
    # The engagement officer also coordinates the ambassadors: all of the engagement work.
    ENGAGEMENT_OFFICER.name: ("engagement.*",),
    # Grant applicants' organisations are the one Organisation list.
    GRANTS_OFFICER.name: REFERENCE
    + ("engagement.view_organisation", "engagement.add_organisation")
    + ("engagement.change_organisation",),
    GRANT_ASSESSOR.name: REFERENCE + ("engagement.view_organisation",),
    PERFORMANCE_OFFICER.name: REFERENCE + ENGAGEMENT_VIEW,
    # The staff officer keeps the queue of issues raised for the office holder.
    STAFF_OFFICER.name: REFERENCE
    + ENGAGEMENT_VIEW
    + ("engagement.add_raisedissue", "engagement.change_raisedissue")
    + edit("engagement.event", "engagement.standingmeeting"),
    COMMISSIONER.name: ("engagement.view_*",),
    # Ambassadors log their own contacts and add the organisations of their area; which rows
    # they may see is narrowed by the rules.
    AMBASSADOR.name: REFERENCE
    + (
        "engagement.view_contact",
        "engagement.add_contact",
        "engagement.change_contact",
        "engagement.view_organisation",
        "engagement.add_organisation",
        "engagement.view_event",
        # A story for the news page, which an engagement officer approves.
        "engagement.add_newsitem",
        # A person met in the field, with their recorded consent (double opt-in follows).
        "engagement.add_subscription",
    ),
}
