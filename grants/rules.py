"""Who may do what with grants: named predicates, registered as permissions and asked by every
door (the admin, the services, the querysets' `visible_to` and, as they come, the pages and the
API), always with the record when there is one: `user.has_perm(rule, application)`.

A role's model permissions (grants/role_permissions.py) are the raw material. Applicants hold
none: what they may do follows from the application being their own. The Commissioner and Deputy
hold only "view" permissions; deciding is theirs by their role.
"""

import rules

from engagement.rules import holds, is_staff, staff_holding
from pcc_portal.roles import APPLICANT, COMMISSIONER

from . import workflow

# --- Pages and lists (asked without a record) --------------------------------------------------
OPEN_STAFF_GRANTS = "grants.open_staff_grants"
SEE_ALL_APPLICATIONS = "grants.see_all_applications"
SEE_SCORES = "grants.see_scores"
APPLY = "grants.apply"
MANAGE_AWARDS = "grants.manage_awards"
MAKE_DIRECT_AWARDS = "grants.make_direct_awards"
MANAGE_ROUNDS = workflow.MANAGE_ROUNDS
# --- Records (asked with the record) -----------------------------------------------------------
VIEW_APPLICATION = "grants.view_application_record"
EDIT_APPLICATION = "grants.edit_application"
LINK_ORGANISATION = "grants.link_organisation"
DECLARE_CONFLICT = "grants.declare_conflict"
RECORD_CONFLICTS = "grants.record_conflicts"
SCORE = "grants.score_application"
VIEW_AWARD = "grants.view_award_record"
RELEASE_INSTALMENT = "grants.release_instalment"


def _application_of(record):
    """The application a record belongs to: itself, or that of an award, an attachment, a
    score, or an award's instalment or monitoring report."""
    if record is None or hasattr(record, "applicant_id"):
        return record
    if hasattr(record, "award_id"):
        return _application_of(record.award)
    if hasattr(record, "application_id"):
        return _application_of(record.application)
    return None


@rules.predicate
def is_applicant(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=APPLICANT.name).exists()
    )


@rules.predicate
def is_own_application(user, record) -> bool:
    """The application (or its award, report or instalment) is this applicant's own."""
    application = _application_of(record)
    return bool(
        application is not None
        and user.is_authenticated
        and user.is_active
        and application.applicant_id is not None
        and application.applicant_id == user.pk
    )


@rules.predicate
def is_draft(user, record) -> bool:
    application = _application_of(record)
    return application is not None and application.status == workflow.ApplicationStatus.DRAFT


@rules.predicate
def sent_to_the_office(user, record) -> bool:
    """Staff see an application once it is sent; a draft is the applicant's own business. A
    direct award is the office's own from the start."""
    application = _application_of(record)
    if application is None:
        return True
    return (
        application.status != workflow.ApplicationStatus.DRAFT
        or application.kind == application.Kind.DIRECT_AWARD
    )


@rules.predicate
def in_assessment(user, application) -> bool:
    return application is not None and application.status == workflow.ApplicationStatus.ELIGIBLE


@rules.predicate
def is_conflicted(user, application) -> bool:
    """The assessor declared a conflict of interest on this application."""
    if application is None or not user.is_authenticated:
        return False
    return application.conflicts.filter(assessor=user).exists()


@rules.predicate
def is_direct_award(user, application) -> bool:
    return application is not None and application.kind == application.Kind.DIRECT_AWARD


@rules.predicate
def in_open_round(user, application) -> bool:
    return application is not None and application.kind == application.Kind.OPEN_ROUND


is_commissioner = is_staff & rules.is_group_member(COMMISSIONER.name)
may_see_all = staff_holding("grants.view_application")
may_work_applications = staff_holding("grants.change_application")
may_manage_awards = staff_holding("grants.change_award")
may_see_application = (may_see_all & sent_to_the_office) | is_own_application
# An officer records a decision the Commissioner or Deputy made; the service asks who and when.
may_decide = (is_commissioner & may_see_all) | staff_holding("grants.add_award")

RULES = {
    OPEN_STAFF_GRANTS: may_see_all,
    SEE_ALL_APPLICATIONS: may_see_all,
    SEE_SCORES: staff_holding("grants.view_score"),
    APPLY: is_applicant,
    MANAGE_ROUNDS: staff_holding("grants.change_grantround"),
    MANAGE_AWARDS: may_manage_awards,
    MAKE_DIRECT_AWARDS: may_work_applications & holds("grants.add_application"),
    VIEW_APPLICATION: may_see_application,
    EDIT_APPLICATION: is_own_application & is_draft,
    LINK_ORGANISATION: may_work_applications
    & holds("engagement.view_organisation")
    & sent_to_the_office,
    DECLARE_CONFLICT: staff_holding("grants.add_conflictofinterest") & sent_to_the_office,
    # A grants officer records a conflict an assessor told them of.
    RECORD_CONFLICTS: may_work_applications & sent_to_the_office,
    # An assessor never scores an application they declared a conflict on.
    SCORE: staff_holding("grants.add_score") & in_assessment & ~is_conflicted,
    # Assessors read applications, not what was paid.
    VIEW_AWARD: staff_holding("grants.view_award") | is_own_application,
    RELEASE_INSTALMENT: may_manage_awards,
    # The application workflow's moves (workflow.py names which move asks which).
    workflow.SUBMIT: is_own_application & in_open_round,
    workflow.RECOMMEND_DIRECT: may_work_applications & is_direct_award,
    workflow.CHECK_ELIGIBILITY: may_work_applications,
    workflow.COMPLETE_ASSESSMENT: may_work_applications,
    workflow.RECOMMEND: may_work_applications,
    workflow.DECIDE: may_decide,
    # The grantee accepts the offer online; an officer records one accepted on paper.
    workflow.ACCEPT_OFFER: is_own_application | may_manage_awards,
    workflow.ACTIVATE: may_manage_awards,
    workflow.CLOSE: may_manage_awards,
    workflow.WITHDRAW: is_own_application | may_work_applications,
    # Monitoring: the grantee sends their reports (an officer may key in a paper one); officers
    # read them.
    workflow.SUBMIT_REPORT: is_own_application | may_manage_awards,
    workflow.REVIEW_REPORT: may_manage_awards,
}

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)


def moves_for(user, application) -> list[workflow.Move]:
    """The workflow's moves out of the application's state that this person may make."""
    return [
        move
        for move in workflow.moves_from(application.status)
        if user.has_perm(move.rule, application)
        and (not move.direct_only or application.kind == application.Kind.DIRECT_AWARD)
    ]


# --- The grantee's own pages ---------------------------------------------------------------------
# Staff have pages of their own: the grantee's pages show an award to the applicant whose award
# it is, and offer a report's form only while that report is owed by a grant that is running.
OPEN_OWN_AWARD = "grants.open_own_award"
SEND_OWN_REPORT = "grants.send_own_report"


@rules.predicate
def report_outstanding(user, report) -> bool:
    """The report is still owed: not yet sent, or sent back for more information."""
    return report is not None and report.status in workflow.REPORT_OUTSTANDING


@rules.predicate
def grant_running(user, record) -> bool:
    """The grant's offer has been accepted: reports are sent for it from then on."""
    from .monitoring import REPORTING_STATES  # monitoring.py asks these rules

    application = _application_of(record)
    return application is not None and application.status in REPORTING_STATES


rules.set_perm(OPEN_OWN_AWARD, is_own_application)
rules.set_perm(SEND_OWN_REPORT, is_own_application & report_outstanding & grant_running)


# --- The assessment and after-award staff pages -------------------------------------------------
# An assessor scores and sees no money; the rounds' budgets and the awards are for those who run
# the scheme or decide its grants.
ASSESS_APPLICATIONS = "grants.assess_applications"
SEE_BUDGETS = "grants.see_budgets"
SEE_AWARDS = "grants.see_awards"
SEE_ROUND_ASSESSMENT = "grants.see_round_assessment"
SEE_APPLICATION_SCORES = "grants.see_application_scores"


@rules.predicate
def declared_a_conflict(user, application) -> bool:
    """As is_conflicted, reading the application's conflicts as prefetched when a list did, so a
    page asks it of every row without a query per row."""
    if application is None or not user.is_authenticated:
        return False
    return any(conflict.assessor_id == user.pk for conflict in application.conflicts.all())


may_see_money = staff_holding("grants.view_award")
rules.set_perm(ASSESS_APPLICATIONS, staff_holding("grants.add_score"))
rules.set_perm(SEE_BUDGETS, may_see_money)
rules.set_perm(SEE_AWARDS, may_see_money)
rules.set_perm(SEE_ROUND_ASSESSMENT, staff_holding("grants.view_score") & may_see_money)
# Whoever declared a conflict in an application does not see how it was scored.
rules.set_perm(SEE_APPLICATION_SCORES, staff_holding("grants.view_score") & ~declared_a_conflict)
