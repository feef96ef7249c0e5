"""What each role may do with grants. The role names and their meaning are the portal's
(pcc_portal/roles.py); these patterns are registered from apps.py, and the rules (rules.py)
narrow them to the record."""

from pcc_portal.roles import APPLICANT, COMMISSIONER, GRANT_ASSESSOR, GRANTS_OFFICER

# Scoring is the assessors' work: an officer who runs the round does not also mark it.
SCORING = ("grants.add_score", "grants.change_score", "grants.delete_score")

# What an assessor reads to score an application, and no more (no awards, money or reports).
ASSESSOR_VIEW = (
    "grants.view_grantscheme",
    "grants.view_grantround",
    "grants.view_assessmentcriterion",
    "grants.view_roundquestion",
    "grants.view_application",
    "grants.view_budgetline",
    "grants.view_attachment",
    "grants.view_roundanswer",
    "grants.view_consortiummember",
    "grants.view_applicationtransition",
    "grants.view_conflictofinterest",
    "grants.view_score",
)

ROLE_PERMISSIONS = {
    # Grants officers run the schemes and rounds, check eligibility, recommend, record the
    # Commissioner's decisions, and look after awards, instalments and monitoring.
    GRANTS_OFFICER.name: ("grants.*", *(f"!{p}" for p in SCORING)),
    GRANT_ASSESSOR.name: ASSESSOR_VIEW + SCORING + ("grants.add_conflictofinterest",),
    # They see everything; they decide by their role (rules.py), changing nothing else.
    COMMISSIONER.name: ("grants.view_*",),
    # Applicants hold no model permissions: what they may see and do follows from the
    # application being their own (rules.py).
    APPLICANT.name: (),
}
