"""The staff officer's queue of issues raised for the Commissioner."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from ..forms import IssueLogForm, IssueMoveForm, add_service_errors
from ..models import RaisedIssue
from ..rules import LOG_ISSUE, OPEN_ISSUE_QUEUE, moves_for
from ..services import log_issue, move_issue
from ..workflow import STATES
from .access import rule_required

STATUS_FILTERS = {"outstanding": "Outstanding", **{k: s.staff_name for k, s in STATES.items()}}


@rule_required(OPEN_ISSUE_QUEUE)
def issue_queue(request):
    shown = request.GET.get("status", "outstanding")
    if shown not in STATUS_FILTERS:
        shown = "outstanding"
    counts = RaisedIssue.objects.count_by_status()
    issues = RaisedIssue.objects.for_queue()
    issues = issues.outstanding() if shown == "outstanding" else issues.filter(status=shown)
    paginator = Paginator(issues, 25)
    # The counts' one query already says how many are shown: spare the paginator its own.
    paginator.count = counts[shown]
    page = paginator.get_page(request.GET.get("page"))
    status_filters = [(key, label, counts[key]) for key, label in STATUS_FILTERS.items()]
    return render(
        request,
        "engagement/issue_queue.html",
        {
            "page": page,
            "shown": shown,
            "shown_label": STATUS_FILTERS[shown],
            "status_filters": status_filters,
            "can_log": request.user.has_perm(LOG_ISSUE),
        },
    )


@rule_required(LOG_ISSUE)
def issue_log(request):
    form = IssueLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = log_issue(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue logged.")
            return redirect("engagement:issue_detail", pk=issue.pk)
    return render(
        request,
        "engagement/issue_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@rule_required(OPEN_ISSUE_QUEUE)
def issue_detail(request, pk):
    issue = get_object_or_404(RaisedIssue.objects.for_queue(), pk=pk)
    moves = moves_for(request.user, issue)
    if request.method == "POST" and not moves:
        raise PermissionDenied
    form = IssueMoveForm(request.POST or None, issue=issue, moves=moves) if moves else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            move_issue(
                issue=issue,
                to=form.cleaned_data["to"],
                by=request.user,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue updated.")
            return redirect("engagement:issue_detail", pk=issue.pk)
    transitions = issue.transitions.select_related("by")
    return render(
        request,
        "engagement/issue_detail.html",
        {"issue": issue, "form": form, "transitions": transitions},
        status=400 if form is not None and form.errors else 200,
    )
