"""Who may do what with consultations: named predicates, registered as permissions and asked
by every door (the admin, the services and, as they come, the pages and the API)."""

import rules

from engagement.rules import staff_holding
from pcc_portal.roles import COMMISSIONER

from . import workflow

BUILD_CONSULTATIONS = "consultations.build_consultations"
SEE_DRAFTS = "consultations.see_drafts"

# Engagement officers build, publish and analyse consultations; the roles' model permissions
# (consultations/role_permissions.py) are the raw material.
may_build = staff_holding("consultations.change_consultation")

RULES = {
    BUILD_CONSULTATIONS: may_build,
    SEE_DRAFTS: staff_holding("consultations.view_consultation"),
    workflow.PUBLISH: may_build,
    workflow.WITHDRAW: may_build,
}

# Results and raw answers. Respondents' email addresses are personal data: only those who build
# consultations (and write to respondents about the outcome) see them in an export.
SEE_RESULTS = "consultations.see_results"
EXPORT_RESPONSES = "consultations.export_responses"
SEE_RESPONDENT_EMAILS = "consultations.see_respondent_emails"
may_see_results = staff_holding("consultations.view_response")
RULES.update(
    {
        SEE_RESULTS: may_see_results,
        EXPORT_RESPONSES: may_see_results & may_build,
        SEE_RESPONDENT_EMAILS: may_see_results & may_build,
    }
)

# "You said, we did": engagement officers write and publish a consultation's outcome; the
# Commissioner and Deputy record decisions on outcomes, so they may write what was decided.
PUBLISH_OUTCOME = "consultations.publish_outcome"
RECORD_OUTCOME_DECISION = "consultations.record_outcome_decision"
RULES.update(
    {
        PUBLISH_OUTCOME: may_build,
        RECORD_OUTCOME_DECISION: staff_holding("consultations.view_consultation")
        & rules.is_group_member(COMMISSIONER.name),
    }
)

# Themes of free-text answers: analysing the answers is part of building a consultation, so
# those who see the results and build consultations name themes and tag answers with them.
TAG_ANSWERS = "consultations.tag_answers"
RULES[TAG_ANSWERS] = may_see_results & may_build

# Subject access and erasure: finding one person's responses by email address, downloading
# them and erasing them, for those who may change responses.
MANAGE_PERSONAL_DATA = "consultations.manage_personal_data"
RULES[MANAGE_PERSONAL_DATA] = staff_holding("consultations.change_response")

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)
