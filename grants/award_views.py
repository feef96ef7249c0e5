"""The money side of grants for staff: the rounds with what each has committed and has left, the
schemes' annual budgets by financial year, and the awards with their instalments and monitoring
reports, where a grants officer releases payments, reviews reports, records underspend and
closes the grant.

Every door asks a rule of grants/rules.py; every figure of money committed comes from the
querysets of grants/querysets.py and every change from a service, which asks the rules again.
"""

from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagement.filters import ANY, AnyYesNoSelect, FilterPanelMixin
from engagement.views.access import rule_required
from pcc_portal.mail.services import date_in_words

from . import rules, services, workflow
from .assessment_forms import (
    ACCEPT,
    CloseAwardForm,
    InstalmentForm,
    MoveForm,
    ReviewReportForm,
    UnderspendForm,
    add_service_errors,
)
from .financial_years import financial_year_label, financial_year_of
from .models import Award, BeneficiaryFigure, GrantRound, GrantScheme, Instalment, MonitoringReport
from .querysets import committed_by_financial_year
from .workflow import ApplicationStatus, ReportStatus, RoundPhase, phase_state, state_of

S = ApplicationStatus
ZERO = Decimal("0.00")
AWARDS_PER_PAGE = 50
# The moves an officer makes from the award's page; deciding is on the application's pages.
AWARD_MOVES = (S.OFFER_ACCEPTED, S.ACTIVE)
AWARD_STATES = (S.APPROVED, S.OFFER_ACCEPTED, S.ACTIVE, S.CLOSED, S.WITHDRAWN)
RELEASED = "Instalment {number} released for payment."
PAID = "Instalment {number} recorded as paid."
UNDERSPEND_RECORDED = "Underspend returned recorded: £{amount:,.2f}."
MOVED = "{reference}: {state}."
CLOSED = "The grant is closed."
ACCEPTED = "Report accepted."
SENT_BACK = "Report sent back to the grantee, who is being emailed what more is needed."
SENT_BACK_NO_EMAIL = (
    "Report sent back. There is no email address on the grant: tell the grantee another way."
)
NOT_PUBLISHED = "not_published"


# --- The rounds and the schemes' budgets ---------------------------------------------------------


@dataclass(frozen=True)
class YearBudget:
    label: str
    budget: Decimal
    committed: Decimal
    current: bool

    @property
    def left(self) -> Decimal:
        return self.budget - self.committed


def scheme_years(schemes, today=None) -> dict[int, list[YearBudget]]:
    """Each scheme's annual budget in every financial year it has committed money in, and the
    present one: what its live instalments falling due in the year add up to, and what is left."""
    this_year = financial_year_of(today or timezone.localdate())
    committed = committed_by_financial_year(schemes)
    years = {}
    for scheme in schemes:
        with_money = {year for (scheme_id, year) in committed if scheme_id == scheme.pk}
        years[scheme.pk] = [
            YearBudget(
                label=financial_year_label(year),
                budget=scheme.annual_budget,
                committed=committed.get((scheme.pk, year), ZERO).quantize(ZERO),
                current=year == this_year,
            )
            for year in sorted(with_money | {this_year})
        ]
    return years


PHASES = [*RoundPhase.choices, (NOT_PUBLISHED, "Draft or withdrawn")]


class RoundFilter(FilterPanelMixin, django_filters.FilterSet):
    scheme = django_filters.ModelChoiceFilter(
        queryset=GrantScheme.objects.order_by("name"), label="Scheme", empty_label=ANY
    )
    phase = django_filters.ChoiceFilter(
        choices=PHASES, label="Phase", empty_label=ANY, method="_by_phase"
    )

    class Meta:
        model = GrantRound
        fields = ["scheme", "phase"]

    def _by_phase(self, queryset, name, value):
        # The phase follows from the dates and applications: it is chosen from the rows.
        return queryset


@require_GET
@rule_required(rules.SEE_BUDGETS)
def rounds_overview(request):
    now = timezone.now()
    filters = RoundFilter(
        request.GET,
        queryset=GrantRound.objects.with_phase()
        .with_committed()
        .select_related("scheme")
        .order_by("scheme__name", "-opens_at", "name"),
    )
    valid = filters.is_valid()
    rounds = list(filters.qs) if valid else []
    chosen_phase = filters.form.cleaned_data.get("phase") if valid else ""
    for grant_round in rounds:
        grant_round.phase_key = grant_round.phase(now) or NOT_PUBLISHED
        grant_round.shown_state = (
            phase_state(grant_round.phase_key)
            if grant_round.phase_key != NOT_PUBLISHED
            else grant_round.state
        )
        # Some databases give a sum without its pence; shown as money, it has them.
        grant_round.committed = grant_round.committed.quantize(ZERO)
        grant_round.left = grant_round.budget - grant_round.committed
    if chosen_phase:
        rounds = [r for r in rounds if r.phase_key == chosen_phase]
    schemes = list(GrantScheme.objects.order_by("name"))
    years = scheme_years(schemes)
    for scheme in schemes:
        scheme.years = years[scheme.pk]
    return render(
        request,
        "grants/staff/awards/rounds.html",
        {
            "filters": filters,
            "rounds": rounds,
            "schemes": schemes,
            "may_see_assessment": request.user.has_perm(rules.SEE_ROUND_ASSESSMENT),
        },
        status=200 if valid else 400,
    )


# --- The awards ---------------------------------------------------------------------------------


def _count(queryset) -> Subquery:
    counted = queryset.order_by().values("award").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def awards_with_monitoring(today=None):
    """Awards with what their monitoring needs: overdue reports, reports to review and the next
    instalment not yet released, in the one query of the list."""
    today = today or timezone.localdate()
    reports = MonitoringReport.objects.filter(award=OuterRef("pk"))
    unreleased = (
        Instalment.objects.unreleased()
        .filter(award=OuterRef("pk"))
        .order_by()
        .values("award")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    return Award.objects.for_lists().annotate(
        overdue_reports=_count(
            MonitoringReport.objects.overdue(today).filter(award=OuterRef("pk"))
        ),
        reports_to_review=_count(reports.filter(status=ReportStatus.SUBMITTED)),
        next_instalment_due=Subquery(unreleased),
        has_overdue=Exists(MonitoringReport.objects.overdue(today).filter(award=OuterRef("pk"))),
    )


class AwardFilter(FilterPanelMixin, django_filters.FilterSet):
    scheme = django_filters.ModelChoiceFilter(
        queryset=GrantScheme.objects.order_by("name"),
        field_name="application__scheme",
        label="Scheme",
        empty_label=ANY,
    )
    status = django_filters.ChoiceFilter(
        choices=[(key, state_of(key).staff_name) for key in AWARD_STATES],
        field_name="application__status",
        label="Status",
        empty_label=ANY,
    )
    overdue = django_filters.BooleanFilter(
        field_name="has_overdue", label="Reports overdue", widget=AnyYesNoSelect
    )

    class Meta:
        model = Award
        fields = ["scheme", "status", "overdue"]


@require_GET
@rule_required(rules.SEE_AWARDS)
def award_list(request):
    filters = AwardFilter(request.GET, queryset=awards_with_monitoring())
    awards = filters.qs if filters.is_valid() else Award.objects.none()
    page = Paginator(awards, AWARDS_PER_PAGE).get_page(request.GET.get("page"))
    for award in page:
        award.state = state_of(award.application.status)
    return render(
        request,
        "grants/staff/awards/list.html",
        {"page": page, "filters": filters},
        status=200 if filters.is_valid() else 400,
    )


def _award_or_404(request, pk) -> Award:
    award = get_object_or_404(
        Award.objects.select_related(
            "application__scheme",
            "application__round",
            "application__organisation",
            "application__applicant",
            "decision_record",
        ),
        pk=pk,
    )
    if not request.user.has_perm(rules.VIEW_AWARD, award):
        raise PermissionDenied
    return award


FIGURE_ORDER = {
    category: {band: n for n, band in enumerate(bands)}
    for category, bands in BeneficiaryFigure.BANDS.items()
}


def figures_by_category(report: MonitoringReport) -> list[dict]:
    """The report's beneficiary figures under their categories, the groups in the form's order."""
    shown = []
    for category, label in BeneficiaryFigure.Category.choices:
        figures = [f for f in report.figures.all() if f.category == category]
        if figures:
            order = FIGURE_ORDER.get(category, {})
            figures.sort(key=lambda f: order.get(f.band, len(order)))
            shown.append({"label": label, "figures": figures})
    return shown


def _reports(award: Award, user, today) -> list[MonitoringReport]:
    overdue = set(MonitoringReport.objects.overdue(today).filter(award=award).values_list("pk"))
    reports = list(
        award.reports.prefetch_related("figures", "attachments").select_related("submitted_by")
    )
    for report in reports:
        report.is_overdue = (report.pk,) in overdue
        report.grouped_figures = figures_by_category(report)
        report.may_review = report.status == ReportStatus.SUBMITTED and user.has_perm(
            workflow.REVIEW_REPORT, report
        )
    return reports


def _instalments(award: Award) -> list[Instalment]:
    instalments = list(award.instalments.select_related("held_for_report", "released_by"))
    for instalment in instalments:
        report = instalment.held_for_report
        instalment.is_held = report is not None and report.status != ReportStatus.ACCEPTED
    return instalments


def _award_page(request, award, *, form=None, underspend_form=None, status=200):
    user = request.user
    application = award.application
    today = timezone.localdate()
    may_manage = user.has_perm(rules.MANAGE_AWARDS, award)
    moves = [move for move in rules.moves_for(user, application) if move.target in AWARD_MOVES]
    if underspend_form is None and may_manage:
        underspend_form = UnderspendForm(initial={"underspend_returned": award.underspend_returned})
    return render(
        request,
        "grants/staff/awards/detail.html",
        {
            "award": award,
            "application": application,
            "state": state_of(application.status),
            "instalments": _instalments(award),
            "reports": _reports(award, user, today),
            "may_release": user.has_perm(rules.RELEASE_INSTALMENT, award),
            "may_manage": may_manage,
            "may_close": any(
                move.target == S.CLOSED for move in rules.moves_for(user, application)
            ),
            "moves": moves,
            "underspend_form": underspend_form,
            # The base layout's error summary reads `form`.
            "form": form,
            "history": application.transitions.select_related("by").order_by("-at", "-pk"),
        },
        status=status,
    )


def _instalment_action(request, award, action):
    form = InstalmentForm({"instalment": request.POST.get(action)}, award=award)
    if form.is_valid():
        instalment = form.cleaned_data["instalment"]
        try:
            if action == "release":
                instalment = services.release_instalment(instalment=instalment, by=request.user)
                messages.success(request, RELEASED.format(number=instalment.number))
            else:
                instalment = services.record_instalment_paid(instalment=instalment, by=request.user)
                messages.success(request, PAID.format(number=instalment.number))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return None
    return form


def _underspend_action(request, award):
    form = UnderspendForm(request.POST)
    if form.is_valid():
        try:
            award = services.record_underspend_returned(
                award=award, by=request.user, amount=form.cleaned_data["underspend_returned"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, UNDERSPEND_RECORDED.format(amount=award.underspend_returned))
            return None
    return form


MOVE_SERVICES = {S.OFFER_ACCEPTED: services.accept_offer, S.ACTIVE: services.activate_award}


class AwardMoveForm(MoveForm):
    application = None  # the award's own
    to = forms.ChoiceField(
        choices=[(key, state_of(key).staff_name) for key in AWARD_MOVES],
        widget=forms.HiddenInput,
    )


def _move_action(request, award):
    form = AwardMoveForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            moved = MOVE_SERVICES[to](application=award.application, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            state = state_of(moved.status).staff_name
            messages.success(request, MOVED.format(reference=moved.reference, state=state))
            return None
    return form


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.SEE_AWARDS)
def award_detail(request, pk):
    award = _award_or_404(request, pk)
    if request.method != "POST":
        return _award_page(request, award)
    action = request.POST.get("action")
    # An instalment's button is named after what it does and carries the instalment.
    instalment_action = next((a for a in ("release", "paid") if a in request.POST), None)
    if instalment_action:
        form = _instalment_action(request, award, instalment_action)
    elif action == "underspend":
        form = _underspend_action(request, award)
    elif action == "move":
        form = _move_action(request, award)
    else:
        form = MoveForm({})
        form.is_valid()
    if form is None:
        return redirect("grants_staff:award_detail", pk=award.pk)
    award = _award_or_404(request, pk)
    underspend_form = form if isinstance(form, UnderspendForm) else None
    return _award_page(request, award, form=form, underspend_form=underspend_form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.SEE_AWARDS)
def award_close(request, pk):
    """Close a grant that has run its course, with the underspend it paid back."""
    award = _award_or_404(request, pk)
    application = award.application
    form = CloseAwardForm(
        request.POST or None, initial={"underspend_returned": award.underspend_returned}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.close_award(
                application=application,
                by=request.user,
                underspend_returned=form.cleaned_data["underspend_returned"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, CLOSED)
            return redirect("grants_staff:award_detail", pk=award.pk)
    may_close = any(move.target == S.CLOSED for move in rules.moves_for(request.user, application))
    outstanding = award.reports.filter(status__in=workflow.REPORT_OUTSTANDING).count()
    return render(
        request,
        "grants/staff/awards/close.html",
        {
            "award": award,
            "application": application,
            "state": state_of(application.status),
            "form": form if may_close or form.errors else None,
            "may_close": may_close,
            "outstanding_reports": outstanding,
            "unreleased": award.instalments.filter(released_at__isnull=True).count(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.SEE_AWARDS)
def report_review(request, pk, report_pk):
    """A monitoring report as the grantee sent it, with its beneficiary figures; an officer
    accepts it, or asks for more information and the grantee is emailed what is needed."""
    award = _award_or_404(request, pk)
    report = get_object_or_404(
        MonitoringReport.objects.prefetch_related("figures", "attachments").select_related(
            "submitted_by", "reviewed_by"
        ),
        pk=report_pk,
        award=award,
    )
    form = ReviewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["officer_note"]
        try:
            if form.cleaned_data["decision"] == ACCEPT:
                services.accept_monitoring_report(report=report, by=request.user, note=note)
                told = ACCEPTED
            else:
                services.ask_for_more_information(report=report, by=request.user, note=note)
                emailed = services.grantee_address(award.application)
                told = SENT_BACK if emailed else SENT_BACK_NO_EMAIL
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, told)
            return redirect("grants_staff:award_detail", pk=award.pk)
    may_review = report.status == ReportStatus.SUBMITTED and request.user.has_perm(
        workflow.REVIEW_REPORT, report
    )
    report.grouped_figures = figures_by_category(report)
    report.is_overdue = MonitoringReport.objects.overdue().filter(pk=report.pk).exists()
    return render(
        request,
        "grants/staff/awards/report.html",
        {
            "award": award,
            "application": award.application,
            "report": report,
            "form": form if may_review or form.errors else None,
            "due_on": date_in_words(report.due_on),
        },
        status=400 if form.errors else 200,
    )
