"""The assessment's staff pages: an assessor's list of the applications they are asked to score,
the scoring page and the declaration of a conflict of interest; and, for those who run a round,
its assessment (each assessor's scores, the ranking and what the budget would have left), where
applications are marked assessed and recommended.

Every door asks a rule of grants/rules.py; every change is made by a service of grants/services.py,
which asks the rules again with the record and refuses what they refuse (a conflicted assessor is
refused by score_application whatever the page showed).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from engagement.views.access import rule_required

from . import rules, services
from .assessment_forms import (
    PAGE_OUT_OF_DATE,
    ConflictForm,
    MoveForm,
    RecommendForm,
    ScoreForm,
    add_service_errors,
)
from .models import (
    Application,
    AssessmentCriterion,
    ConflictOfInterest,
    GrantRound,
    RoundAnswer,
    Score,
)
from .workflow import ApplicationStatus, RoundStatus, state_of

S = ApplicationStatus
# An assessor scores an application from the eligibility check to the end of its assessment.
TO_SCORE = (S.ELIGIBLE, S.ASSESSED)
# The round's assessment lists what got past the eligibility check and was not withdrawn.
ASSESSED_ONWARDS = (
    S.ELIGIBLE,
    S.ASSESSED,
    S.RECOMMENDED,
    S.APPROVED,
    S.DECLINED,
    S.OFFER_ACCEPTED,
    S.ACTIVE,
    S.CLOSED,
)
# Still waiting for a decision: what the budget would go on if it were funded.
UNDECIDED = (S.ELIGIBLE, S.ASSESSED, S.RECOMMENDED)
SCORED = "Scores saved."
DECLARED = "Conflict of interest declared: you will not score {title}."
MARKED_ASSESSED = "{reference} marked as assessed."
RECOMMENDED = "{reference} recommended for £{amount:,.2f}."


# --- The assessor's pages -----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@rule_required(rules.ASSESS_APPLICATIONS)
def assessor_queue(request):
    """The applications being assessed in rounds that have opened, with how far this assessor
    has got with each, or that they declared a conflict."""
    user = request.user
    criteria = (
        AssessmentCriterion.objects.filter(round=OuterRef("round"))
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine = (
        Score.objects.by(user)
        .filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    applications = (
        Application.objects.visible_to(user)
        .filter(
            kind=Application.Kind.OPEN_ROUND,
            status__in=TO_SCORE,
            round__status=RoundStatus.PUBLISHED,
            round__opens_at__lte=timezone.now(),
        )
        .select_related("round__scheme", "organisation")
        .annotate(
            criteria_count=Coalesce(Subquery(criteria, output_field=IntegerField()), 0),
            my_scores=Coalesce(Subquery(mine, output_field=IntegerField()), 0),
            conflicted=Exists(
                ConflictOfInterest.objects.filter(assessor=user, application=OuterRef("pk"))
            ),
        )
        .order_by("round__closes_at", "round__name", "round_id", "reference", "pk")
    )
    rows = list(applications)
    to_do = sum(
        1
        for a in rows
        if a.status == S.ELIGIBLE and not a.conflicted and a.my_scores < a.criteria_count
    )
    return render(
        request,
        "grants/staff/assessment/assessor_queue.html",
        {"applications": rows, "to_do": to_do},
    )


def _application_for_assessor(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user)
        .filter(kind=Application.Kind.OPEN_ROUND)
        .exclude(status=S.DRAFT)
        .select_related("round__scheme", "organisation", "activity_area")
        .prefetch_related(
            "budget_lines",
            "attachments",
            "consortium_members",
            Prefetch("answers", queryset=RoundAnswer.objects.select_related("question")),
        ),
        pk=pk,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.ASSESS_APPLICATIONS)
def score_application(request, pk):
    """Score each of the round's criteria, with comments, and change the scores while the
    application is being assessed. A POST always goes to the service, which alone decides
    whether this person may score it."""
    application = _application_for_assessor(request, pk)
    user = request.user
    criteria = list(AssessmentCriterion.objects.filter(round=application.round_id))
    conflict = ConflictOfInterest.objects.filter(assessor=user, application=application).first()
    mine = list(Score.objects.by(user).filter(application=application).select_related("criterion"))
    by_criterion = {score.criterion_id: score for score in mine}
    may_score = bool(criteria) and user.has_perm(rules.SCORE, application)
    form = None
    if request.method == "POST":
        form = ScoreForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.score_application(application=application, by=user, scores=form.scores())
            except ValidationError as error:
                add_service_errors(form, error, keys=form.service_keys())
            else:
                messages.success(request, SCORED)
                return redirect("grants_staff:assessor_queue")
    elif may_score:
        form = ScoreForm(initial=ScoreForm.initial_from(mine), criteria=criteria)
    return render(
        request,
        "grants/staff/assessment/score.html",
        {
            "application": application,
            "criteria": criteria,
            "form": form,
            "conflict": conflict,
            "my_scores": [(c, by_criterion.get(c.pk)) for c in criteria],
            "scored_any": bool(mine),
            "may_declare": conflict is None and user.has_perm(rules.DECLARE_CONFLICT, application),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.ASSESS_APPLICATIONS)
def declare_conflict(request, pk):
    """Declare a conflict of interest in an application, with what it is. It cannot be taken
    back: the assessor never scores the application, and any scores they gave it go."""
    application = _application_for_assessor(request, pk)
    user = request.user
    conflict = ConflictOfInterest.objects.filter(assessor=user, application=application).first()
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(
                application=application, by=user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, DECLARED.format(title=application.project_title))
            return redirect("grants_staff:assessor_queue")
    return render(
        request,
        "grants/staff/assessment/conflict.html",
        {
            "application": application,
            "conflict": conflict,
            "form": form,
            "scored": Score.objects.by(user).filter(application=application).exists(),
        },
        status=400 if form.errors else 200,
    )


# --- A round's assessment -----------------------------------------------------------------------


@dataclass
class AssessorScores:
    """One assessor's scores of one application, in the order of the round's criteria."""

    assessor: object
    criteria: list
    scores: list = field(default_factory=list)  # a Score or None per criterion
    weighted_total: int = 0

    @property
    def by_criterion(self) -> list[tuple]:
        return list(zip(self.criteria, self.scores, strict=True))


@dataclass
class AssessmentRow:
    application: Application
    rank: int | None = None
    may_see_scores: bool = False
    by_assessor: list[AssessorScores] = field(default_factory=list)
    amount: Decimal | None = None  # what funding it would take: recommended, else asked for
    left_if_funded: Decimal | None = None
    moves: set = field(default_factory=set)  # the statuses this person may move it to

    @property
    def over_budget_by(self) -> Decimal | None:
        if self.left_if_funded is None or self.left_if_funded >= 0:
            return None
        return -self.left_if_funded


def _round_applications(grant_round: GrantRound, user):
    return (
        Application.objects.visible_to(user)
        .in_round(grant_round)
        .filter(status__in=ASSESSED_ONWARDS)
        .with_scores()
        .select_related("organisation", "award")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("assessor", "criterion").order_by(
                    "assessor__full_name", "assessor_id", "criterion__position"
                ),
            ),
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("assessor")),
        )
        .order_by(
            F("average_score").desc(nulls_last=True),
            F("weighted_total").desc(),
            "reference",
            "pk",
        )
    )


def _scores_by_assessor(application: Application, criteria) -> list[AssessorScores]:
    position = {criterion.pk: n for n, criterion in enumerate(criteria)}
    found: dict[int, AssessorScores] = {}
    for score in application.scores.all():
        row = found.setdefault(
            score.assessor_id,
            AssessorScores(
                assessor=score.assessor, criteria=criteria, scores=[None] * len(criteria)
            ),
        )
        if score.criterion_id in position:
            row.scores[position[score.criterion_id]] = score
            row.weighted_total += score.weighted
    return list(found.values())


def assessment_rows(grant_round: GrantRound, user, criteria, budget_left: Decimal):
    """The round's applications in ranking order: the highest average weighted score first,
    equal averages sharing a rank, the unscored last and unranked. Going down the ranking, each
    application still waiting for a decision shows what the budget would have left if it and
    every undecided one above it were funded (at the amount recommended, else that asked for)."""
    rows, running = [], budget_left
    previous, rank = None, 0
    for position, application in enumerate(_round_applications(grant_round, user), start=1):
        row = AssessmentRow(application=application)
        if application.average_score is not None:
            if application.average_score != previous:
                rank, previous = position, application.average_score
            row.rank = rank
        row.may_see_scores = user.has_perm(rules.SEE_APPLICATION_SCORES, application)
        if row.may_see_scores:
            row.by_assessor = _scores_by_assessor(application, criteria)
        if application.status in UNDECIDED:
            row.amount = application.recommended_amount or application.amount_requested
            running -= row.amount or 0
            row.left_if_funded = running
        row.moves = {move.target for move in rules.moves_for(user, application)}
        rows.append(row)
    return rows


def _round_or_404(pk) -> GrantRound:
    return get_object_or_404(GrantRound.objects.select_related("scheme"), pk=pk)


def _complete(request, application: Application, form: MoveForm) -> bool:
    """Mark an application as assessed through the service; False (with the service's words on
    the form) when it refuses."""
    try:
        services.complete_assessment(application=application, by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, MARKED_ASSESSED.format(reference=application.reference))
    return True


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.SEE_ROUND_ASSESSMENT)
def round_assessment(request, pk):
    grant_round = _round_or_404(pk)
    form = None
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            application = get_object_or_404(
                Application.objects.visible_to(request.user),
                pk=form.cleaned_data["application"],
                round=grant_round,
            )
            if _complete(request, application, form):
                return redirect("grants_staff:round_assessment", pk=grant_round.pk)
    criteria = list(grant_round.criteria.all())
    budget_left = services.round_budget_left(grant_round)
    rows = assessment_rows(grant_round, request.user, criteria, budget_left)
    recommended = [r for r in rows if r.application.status == S.RECOMMENDED]
    recommended_total = sum((r.amount for r in recommended), Decimal("0.00"))
    left_if_recommended = budget_left - recommended_total
    left_out = Application.objects.in_round(grant_round).aggregate(
        checking=Count("pk", filter=Q(status=S.SUBMITTED)),
        ineligible=Count("pk", filter=Q(status=S.INELIGIBLE)),
        withdrawn=Count("pk", filter=Q(status=S.WITHDRAWN)),
    )
    return render(
        request,
        "grants/staff/assessment/round.html",
        {
            "round": grant_round,
            "phase": grant_round.phase_state(),
            "round_state": grant_round.state,
            "criteria": criteria,
            "rows": rows,
            "budget_left": budget_left,
            "committed": grant_round.budget - budget_left,
            "recommended_count": len(recommended),
            "recommended_total": recommended_total,
            "left_if_recommended_funded": left_if_recommended,
            "recommended_over_by": max(-left_if_recommended, Decimal("0.00")),
            "left_out": left_out,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.SEE_ROUND_ASSESSMENT)
def application_assessment(request, pk, application_pk):
    """One application's assessment in full: every assessor's score and comment on each
    criterion, the conflicts declared, and the moves on to assessed and recommended."""
    grant_round = _round_or_404(pk)
    application = get_object_or_404(
        Application.objects.visible_to(request.user)
        .with_scores()
        .select_related("organisation", "round__scheme")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("assessor", "criterion")),
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("assessor")),
        ),
        pk=application_pk,
        round=grant_round,
    )
    user = request.user
    move_form = recommend_form = None
    if request.method == "POST" and "recommend" in request.POST:
        recommend_form = RecommendForm(request.POST)
        if recommend_form.is_valid():
            try:
                recommended = services.recommend(
                    application=application,
                    by=user,
                    amount=recommend_form.cleaned_data["recommended_amount"],
                    recommendation=recommend_form.cleaned_data["recommendation"],
                )
            except ValidationError as error:
                add_service_errors(recommend_form, error)
            else:
                messages.success(
                    request,
                    RECOMMENDED.format(
                        reference=recommended.reference, amount=recommended.recommended_amount
                    ),
                )
                return redirect("grants_staff:round_assessment", pk=grant_round.pk)
    elif request.method == "POST":
        move_form = MoveForm(request.POST)
        if move_form.is_valid() and move_form.cleaned_data["application"] != application.pk:
            move_form.add_error(None, PAGE_OUT_OF_DATE)
        if move_form.is_valid() and _complete(request, application, move_form):
            return redirect(
                "grants_staff:application_assessment",
                pk=grant_round.pk,
                application_pk=application.pk,
            )
    moves = {move.target for move in rules.moves_for(user, application)}
    if recommend_form is None and S.RECOMMENDED in moves:
        recommend_form = RecommendForm(initial={"recommended_amount": application.amount_requested})
    criteria = list(grant_round.criteria.all())
    may_see_scores = user.has_perm(rules.SEE_APPLICATION_SCORES, application)
    failed = next((f for f in (recommend_form, move_form) if f is not None and f.errors), None)
    return render(
        request,
        "grants/staff/assessment/application.html",
        {
            "round": grant_round,
            "application": application,
            "criteria": criteria,
            "may_see_scores": may_see_scores,
            "by_assessor": _scores_by_assessor(application, criteria) if may_see_scores else [],
            "conflicts": list(application.conflicts.all()),
            "may_complete": S.ASSESSED in moves,
            "recommend_form": recommend_form,
            # The base layout's error summary reads `form`.
            "form": failed,
            "history": application.transitions.select_related("by").order_by("-at", "-pk"),
            "state": state_of(application.status),
        },
        status=400 if failed is not None else 200,
    )
