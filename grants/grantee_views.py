"""The grantee's pages: their award (its amount, conditions, dates, payments, the reports it owes
and, for a consortium, its members) with the offer to accept; and each monitoring report, sent
online against its due date and sent again when the office asks for more.

Every page is one person's: the applicant whose award it is (rule grants.open_own_award, asked
of the award). Someone not signed in is sent to sign in; anyone else signed in is refused (403).
Nothing here is cached.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pcc_portal.dates import in_words

from . import rules, workflow
from .awarding import accept_offer
from .grantee_forms import AcceptOfferForm, MonitoringReportForm
from .models import Award, BeneficiaryFigure, ConsortiumMember, Instalment, MonitoringReport
from .monitoring import submit_monitoring_report

AWARD_TEMPLATE = "grants/grantee/award.html"
REPORT_TEMPLATE = "grants/grantee/report.html"
OFFER_ACCEPTED = (
    "You have accepted the offer. The grants team will now start your grant and release its "
    "first payment."
)
REPORT_SENT = "Report sent. The grants team will read it and tell you if they need anything more."


def _own_award(request, pk) -> Award:
    award = get_object_or_404(
        Award.objects.select_related(
            "application__organisation",
            "application__scheme",
            "application__round",
            "decision_record",
        ),
        pk=pk,
    )
    if not request.user.has_perm(rules.OPEN_OWN_AWARD, award):
        raise PermissionDenied
    return award


def _may_accept(user, award: Award) -> bool:
    return any(
        move.target == workflow.ApplicationStatus.OFFER_ACCEPTED
        for move in rules.moves_for(user, award.application)
    )


def instalment_state(instalment: Instalment) -> workflow.State:
    """Where a payment is, in the grantee's words, as the status include draws it."""
    if instalment.paid_at:
        text = f"Paid on {in_words(timezone.localtime(instalment.paid_at))}"
        return workflow.State("paid", text, text, "green")
    if instalment.released_at:
        text = f"Released on {in_words(timezone.localtime(instalment.released_at))}"
        return workflow.State("released", text, text, "turquoise")
    report = instalment.held_for_report
    if report is not None and report.status != workflow.ReportStatus.ACCEPTED:
        text = f"Waiting for your report “{report.title}” to be accepted"
        return workflow.State("held", text, text, "orange")
    return workflow.State("due", "Not yet paid", "Not yet paid", "grey")


def _award_page(request, award: Award, *, accept_form=None, status: int = 200):
    application = award.application
    may_accept = _may_accept(request.user, award)
    if may_accept and accept_form is None:
        accept_form = AcceptOfferForm()
    if accept_form is not None:
        accept_form.helper.form_action = reverse("grants:grantee_accept", args=[award.pk])
    instalments = list(award.instalments.select_related("held_for_report"))
    reports = list(award.reports.all())
    overdue = set(award.reports.overdue().values_list("pk", flat=True))
    members = list(
        ConsortiumMember.objects.filter(application=application).select_related("organisation")
    )
    context = {
        "award": award,
        "application": application,
        "may_accept": may_accept,
        "form": accept_form if may_accept else None,
        "instalments": [(i, instalment_state(i)) for i in instalments],
        "reports": [
            (
                report,
                report.pk in overdue,
                request.user.has_perm(rules.SEND_OWN_REPORT, report),
            )
            for report in reports
        ],
        "members": members,
        "decision": award.decision_record
        if award.decision_record and award.decision_record.is_public
        else None,
    }
    return render(request, AWARD_TEMPLATE, context, status=status)


@require_http_methods(["GET", "HEAD"])
@login_required
def award_detail(request, pk):
    return _award_page(request, _own_award(request, pk))


@require_POST
@login_required
def accept(request, pk):
    """Accept the offer, agreeing to its conditions. Sent twice, the second finds the offer
    accepted and changes nothing."""
    award = _own_award(request, pk)
    if award.offer_accepted_at is not None:
        return redirect("grants:grantee_award", pk=award.pk)
    form = AcceptOfferForm(request.POST)
    if form.is_valid():
        try:
            accept_offer(application=award.application, by=request.user)
        except ValidationError as error:
            award.refresh_from_db(fields=["offer_accepted_at"])
            if award.offer_accepted_at is not None:
                # Accepted a moment ago, from another tab or a second click.
                return redirect("grants:grantee_award", pk=award.pk)
            form.add_service_errors(error)
        else:
            messages.success(request, OFFER_ACCEPTED)
            return redirect("grants:grantee_award", pk=award.pk)
    return _award_page(request, award, accept_form=form, status=400)


def _report_page(request, award, report, *, form=None, status: int = 200):
    may_send = request.user.has_perm(rules.SEND_OWN_REPORT, report)
    if may_send and form is None:
        form = MonitoringReportForm(initial=MonitoringReportForm.initial_from(report))
    if form is not None:
        form.helper.form_action = reverse(
            "grants:grantee_report", kwargs={"pk": award.pk, "report_pk": report.pk}
        )
    context = {
        "award": award,
        "application": award.application,
        "report": report,
        "may_send": may_send,
        "form": form if may_send else None,
        "overdue": award.reports.overdue().filter(pk=report.pk).exists(),
        "figures": _figures_by_category(report),
        "attachments": list(report.attachments.all()),
    }
    return render(request, REPORT_TEMPLATE, context, status=status)


def _figures_by_category(report: MonitoringReport) -> list[tuple[str, list]]:
    figures = list(report.figures.all())
    return [
        (label, [figure for figure in figures if figure.category == key])
        for key, label in BeneficiaryFigure.Category.choices
        if any(figure.category == key for figure in figures)
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_detail(request, pk, report_pk):
    """A monitoring report: its form while it is owed, what was sent once it is sent."""
    award = _own_award(request, pk)
    report = get_object_or_404(
        award.reports.prefetch_related("figures", "attachments"),
        pk=report_pk,
    )
    if request.method != "POST":
        return _report_page(request, award, report)
    if not request.user.has_perm(rules.SEND_OWN_REPORT, report):
        # Sent already (a second click, or another tab): what was sent first stands.
        return redirect("grants:grantee_report", pk=award.pk, report_pk=report.pk)
    form = MonitoringReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submit_monitoring_report(report=report, by=request.user, **form.submission())
        except ValidationError as error:
            report.refresh_from_db(fields=["status"])
            if not rules.report_outstanding(request.user, report):
                return redirect("grants:grantee_report", pk=award.pk, report_pk=report.pk)
            form.add_service_errors(error)
        else:
            messages.success(request, REPORT_SENT)
            return redirect("grants:grantee_report", pk=award.pk, report_pk=report.pk)
    return _report_page(request, award, report, form=form, status=400)
