"""What each role may do with the delivery plan. The role names and their meaning are the portal's
(pcc_portal/roles.py); these patterns are registered from apps.py, and the rules (rules.py)
narrow them to the task. Leads hold no permission here: what a lead may do follows from the task
being theirs."""

from pcc_portal.roles import COMMISSIONER, PERFORMANCE_OFFICER

# The history of statuses and the reports as issued are records of what was said: they are added
# to, never rewritten (an administrator can still put a mistake right).
RECORDS = (
    "!delivery_plan.change_ragupdate",
    "!delivery_plan.delete_ragupdate",
    "!delivery_plan.change_reportsnapshot",
    "!delivery_plan.delete_reportsnapshot",
)

ROLE_PERMISSIONS = {
    # Performance officers keep the plans, update any task and issue the reports.
    PERFORMANCE_OFFICER.name: ("delivery_plan.*", *RECORDS),
    # They read everything and change nothing.
    COMMISSIONER.name: ("delivery_plan.view_*",),
}
