"""The grants officers' case-working pages: the queue of applications, an application with its
history, and the moves on it (eligibility, the organisation on record, the recommendation, the
decision, withdrawal), each a POST to the one grants service that makes it.

Each door asks a rule of grants/rules.py: the staff pages' rule, then, on an application, the
rule of the move the page makes. Which moves are legal at the moment is the workflow's to say
(grants/workflow.py, through the service): an illegal one is refused by the service in its own
words, shown in the error summary.
"""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from engagement.forms import add_service_errors
from engagement.views.access import rule_required
from pcc_portal.models import OfficeProfile
from pcc_portal.uploads import (
    HEAD_BYTES,
    IMAGE_TYPES,
    UNKNOWN_TYPE,
    content_type_of,
    looks_like_markup,
)

from . import rules, services, workflow
from .filters import QUEUE_STATUSES, ApplicationFilter, count_by_status
from .models import Application, ApplicationTransition, Attachment
from .staff_forms import (
    DecisionForm,
    DirectAwardForm,
    EligibilityForm,
    LinkOrganisationForm,
    RecommendForm,
    WithdrawForm,
)
from .transitions import check_move

PAGE_SIZE = 50
S = workflow.ApplicationStatus
# An office file passed the upload checks inside (pcc_portal/uploads.py); it goes out as what it
# is, to be saved, never shown.
OFFICE_FILE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
ZIP_START = b"PK\x03\x04"
# Linking is offered until the award is made: the award is published under the organisation.
NOT_LINKABLE = (S.INELIGIBLE, S.DECLINED, S.WITHDRAWN)


# --- The queue ---------------------------------------------------------------------------------


@require_GET
@rule_required(rules.OPEN_STAFF_GRANTS)
def application_queue(request):
    applications = (
        Application.objects.visible_to(request.user)
        .sent()
        .for_lists()
        .prefetch_related("policing_areas")
        .annotate(sent_on=Coalesce("submitted_at", "created_at"))
        .order_by("-sent_on", "-pk")
    )
    filters = ApplicationFilter(request.GET, queryset=applications, request=request)
    valid = filters.is_valid()
    counts = count_by_status(filters.without_status().qs) if valid else {}
    status = filters.form.cleaned_data.get("status") if valid else ""
    paginator = Paginator(filters.qs if valid else applications.none(), PAGE_SIZE)
    # The counts' one query already says how many are shown: spare the paginator its own.
    paginator.count = counts.get(status, 0) if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "grants/staff/applications.html",
        {
            "filters": filters,
            "page": page,
            "status_links": _status_links(request, counts, status),
        },
        status=200 if valid else 400,
    )


def _status_links(request, counts: dict[str, int], current: str) -> list[dict]:
    """The sub navigation by status, with how many applications each has under the other
    filters; a status with none is left out unless it is the one chosen."""
    if not counts:
        return []
    base = request.GET.copy()
    base.pop("status", None)
    base.pop("page", None)
    links = [
        {
            "label": "All",
            "count": sum(counts.values()),
            "query": base.urlencode(),
            "current": not current,
        }
    ]
    for key, label in QUEUE_STATUSES:
        if counts[key] or key == current:
            query = base.copy()
            query["status"] = key
            links.append(
                {
                    "label": label,
                    "count": counts[key],
                    "query": query.urlencode(),
                    "current": key == current,
                }
            )
    return links


# --- An application ----------------------------------------------------------------------------


def _application(request, pk, *, rule: str | None = None) -> Application:
    """The application, if this person may see it (404 otherwise: a draft is nobody's business
    but the applicant's); with `rule`, refused (403) unless the person may make that move."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "scheme", "round__scheme", "organisation", "activity_area", "applicant"
        ),
        pk=pk,
    )
    if rule is not None and not request.user.has_perm(rule, application):
        raise PermissionDenied
    return application


def _award_of(application: Application):
    # A reverse one-to-one with no row raises a subclass of AttributeError.
    return getattr(application, "award", None)


@require_GET
@rule_required(rules.OPEN_STAFF_GRANTS)
def application_detail(request, pk):
    application = get_object_or_404(
        Application.objects.visible_to(request.user)
        .select_related(
            "scheme",
            "round__scheme",
            "organisation",
            "activity_area",
            "applicant",
            "award__decision_record",
            "decision_record",
        )
        .prefetch_related(
            "budget_lines",
            "consortium_members__organisation",
            "objectives",
            "policing_areas",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("monitoring_report"),
            ),
            "answers__question",
            Prefetch(
                "transitions",
                queryset=ApplicationTransition.objects.select_related("by").order_by("-at", "-pk"),
            ),
        ),
        pk=pk,
    )
    award = _award_of(application)
    budget_lines = list(application.budget_lines.all())
    return render(
        request,
        "grants/staff/application.html",
        {
            "application": application,
            "state": application.state,
            "award": award,
            "instalments": list(award.instalments.all()) if award else [],
            "budget_lines": budget_lines,
            "budget_total": application.budget_total,
            "budget_adds_up": application.budget_total == (application.amount_requested or 0),
            "actions": _actions_for(request.user, application, award),
        },
    )


def _actions_for(user, application: Application, award) -> list[dict]:
    """The pages of the moves this person may make on the application as it stands."""
    targets = {move.target for move in rules.moves_for(user, application)}
    pages = [
        ({S.ELIGIBLE, S.INELIGIBLE}, "Check eligibility", "eligibility", ""),
        ({S.RECOMMENDED}, "Recommend for funding", "recommend", ""),
        ({S.APPROVED, S.DECLINED}, "Record the decision", "decide", ""),
    ]
    actions = [
        {"label": label, "url": reverse(f"grants_staff:{name}", args=[application.pk]), "css": css}
        for wanted, label, name, css in pages
        if targets & wanted
    ]
    may_link = (
        award is None
        and application.status not in NOT_LINKABLE
        and user.has_perm(rules.LINK_ORGANISATION, application)
    )
    if may_link:
        actions.append(
            {
                "label": "Change the organisation"
                if application.organisation_id
                else "Link the organisation",
                "url": reverse("grants_staff:link_organisation", args=[application.pk]),
                "css": "govuk-button--secondary",
            }
        )
    if S.WITHDRAWN in targets:
        actions.append(
            {
                "label": "Withdraw",
                "url": reverse("grants_staff:withdraw", args=[application.pk]),
                "css": "govuk-button--warning",
            }
        )
    return actions


# --- The moves ---------------------------------------------------------------------------------


def _illegal_move_message(user, application: Application, targets) -> str:
    """The service's own words for why none of `targets` can be reached from where the
    application is; empty when one can."""
    if not targets or any(move.target in targets for move in rules.moves_for(user, application)):
        return ""
    try:
        check_move(application, next(iter(targets)), user)
    except ValidationError as error:
        return " ".join(error.messages)
    except PermissionDenied as refusal:
        return str(refusal)
    return ""


def _move_page(
    request, application, *, form, template, heading, targets, perform, done, extra=None
):
    """Show the move's form; on a valid POST make the move through `perform(form)` and go back
    to the application. The service's refusals are shown beside the fields they name, or in the
    error summary; someone it refuses gets a 403."""
    problem = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("grants_staff:application", pk=application.pk)
    else:
        # Said before the form is filled in, in the words the service would use on sending it.
        problem = _illegal_move_message(request.user, application, targets)
    context = {
        "application": application,
        "state": application.state,
        "form": form,
        "problem": problem,
        "heading": heading,
        **(extra or {}),
    }
    return render(
        request,
        template,
        context,
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_STAFF_GRANTS)
def eligibility(request, pk):
    application = _application(request, pk, rule=workflow.CHECK_ELIGIBILITY)
    form = EligibilityForm(request.POST or None)

    def perform(form):
        services.check_eligibility(
            application=application,
            by=request.user,
            eligible=form.eligible,
            reason=form.cleaned_data["reason"],
        )

    return _move_page(
        request,
        application,
        form=form,
        template="grants/staff/eligibility.html",
        heading="Check eligibility",
        targets=(S.ELIGIBLE, S.INELIGIBLE),
        perform=perform,
        done="Eligibility check recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_STAFF_GRANTS)
def link_organisation(request, pk):
    application = _application(request, pk, rule=rules.LINK_ORGANISATION)
    candidates = services.organisations_to_link(application)
    # A number on record finds its one organisation: a second one with it is never made.
    may_add = not candidates or not (application.charity_number or application.company_number)
    form = LinkOrganisationForm(request.POST or None, candidates=candidates, may_add=may_add)

    def perform(form):
        services.link_organisation(
            application=application, by=request.user, organisation=form.chosen()
        )

    return _move_page(
        request,
        application,
        form=form,
        template="grants/staff/link_organisation.html",
        heading="Link to the organisation on record",
        targets=(),
        perform=perform,
        done="Application linked to the organisation on record.",
        extra={"candidates": candidates, "may_add": may_add},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_STAFF_GRANTS)
def recommend(request, pk):
    application = _application(request, pk, rule=workflow.RECOMMEND)
    initial = {"recommended_amount": application.recommended_amount or application.amount_requested}
    form = RecommendForm(request.POST or None, initial=initial)

    def perform(form):
        services.recommend(
            application=application,
            by=request.user,
            amount=form.cleaned_data["recommended_amount"],
            recommendation=form.cleaned_data["recommendation"],
        )

    return _move_page(
        request,
        application,
        form=form,
        template="grants/staff/recommend.html",
        heading="Recommend for funding",
        targets=(S.RECOMMENDED,),
        perform=perform,
        done="Application recommended for funding.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_STAFF_GRANTS)
def decide(request, pk):
    application = _application(request, pk, rule=workflow.DECIDE)
    targets = {move.target for move in rules.moves_for(request.user, application)}
    may_approve, may_decline = S.APPROVED in targets, S.DECLINED in targets
    if not (may_approve or may_decline):
        # Nothing can be decided now: both are offered, and the service says why neither goes.
        may_approve = may_decline = True
    form = DecisionForm(
        request.POST or None,
        initial={"amount": application.recommended_amount or application.amount_requested},
        may_approve=may_approve,
        may_decline=may_decline,
        in_person=rules.is_commissioner(request.user),
        office=OfficeProfile.objects.get_current(),
    )

    def perform(form):
        services.record_decision(application=application, by=request.user, **form.decision())

    return _move_page(
        request,
        application,
        form=form,
        template="grants/staff/decide.html",
        heading="Record the decision",
        targets=(S.APPROVED, S.DECLINED),
        perform=perform,
        done="Decision recorded. The applicant has been written to.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_STAFF_GRANTS)
def withdraw(request, pk):
    application = _application(request, pk, rule=workflow.WITHDRAW)
    form = WithdrawForm(request.POST or None)

    def perform(form):
        services.withdraw_application(
            application=application, by=request.user, reason=form.cleaned_data["reason"]
        )

    return _move_page(
        request,
        application,
        form=form,
        template="grants/staff/withdraw.html",
        heading="Withdraw the application",
        targets=(S.WITHDRAWN,),
        perform=perform,
        done="Application withdrawn.",
    )


# --- Direct awards -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.MAKE_DIRECT_AWARDS)
def direct_award(request):
    """The office commissions a named organisation: the award is recommended at once, and goes
    to the decision from its page like any other."""
    form = DirectAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_direct_award(by=request.user, **form.award())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Direct award recommended. Record the decision next.")
            return redirect("grants_staff:application", pk=application.pk)
    return render(
        request,
        "grants/staff/direct_award.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- Attachments -------------------------------------------------------------------------------


@require_safe
def attachment_download(request, pk):
    """A file sent with an application, to those who may see the application (its applicant
    and the staff who work on grants) and nobody else: decision 40's headers, its own name."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    if not request.user.has_perm(rules.VIEW_APPLICATION, attachment):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such file") from None
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    name = attachment.original_name or PurePosixPath(attachment.file.name).name
    if looks_like_markup(head):
        content_type = UNKNOWN_TYPE
    elif head.startswith(ZIP_START):
        content_type = OFFICE_FILE_TYPES.get(PurePosixPath(name).suffix.lower(), UNKNOWN_TYPE)
    else:
        content_type = content_type_of(head)
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type not in IMAGE_TYPES,
        filename=name,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
