"""A task's page: the task with its action, leads and milestones, its RAG history, what its
milestones suggest, what the portal knows of its activity area in the period, and the form that
records a new status. The lead of the task and the performance officers update it; whoever may
see the plan reads it (delivery_plan/rules.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from engagement.forms import add_service_errors
from engagement.views.access import rule_required

from . import rules, services
from .evidence import evidence_for
from .forms import MilestoneDoneForm, RagUpdateForm, ReviewDateForm
from .milestones import long_date
from .models import RagUpdate, Task
from .rag import DEFINITIONS, ORDER
from .suggestions import suggestion_for

RECORDED = "RAG status recorded."
MILESTONE_DONE = "“{milestone}” marked done."
MILESTONE_OPEN = "“{milestone}” marked not done."
REVIEW_SET = "Next review set for {day}."
REVIEW_CLEARED = "Next review date removed."


def _task(request, pk, today) -> Task:
    task = get_object_or_404(
        Task.objects.for_report()
        .with_signals(today)
        .prefetch_related(
            "action__objectives",
            "milestones",
            Prefetch("rag_updates", queryset=RagUpdate.objects.select_related("by")),
        ),
        pk=pk,
    )
    if not request.user.has_perm(rules.VIEW_TASK, task):
        raise PermissionDenied
    return task


def _url(task: Task, anchor: str = "") -> str:
    url = reverse("delivery_plan_staff:task", kwargs={"pk": task.pk})
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(rules.OPEN_PLAN_PAGES)
def task_page(request, pk):
    today = timezone.localdate()
    task = _task(request, pk, today)
    may_update = request.user.has_perm(rules.UPDATE_TASK, task)
    form = RagUpdateForm(initial={"status": task.rag_status, "is_public": False})
    review_form = ReviewDateForm(initial={"review_on": task.review_on})
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if "milestone" in request.POST:
            return _mark_milestone(request, task, today)
        if "set_review" in request.POST:
            review_form = ReviewDateForm(request.POST)
            if review_form.is_valid():
                return _set_review(request, task, review_form)
        elif (form := RagUpdateForm(request.POST)).is_valid():
            try:
                services.record_rag_update(task=task, by=request.user, today=today, **form.update())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, RECORDED)
                return redirect(_url(task, "history"))
    return render(
        request,
        "delivery_plan/staff/task.html",
        {
            "task": task,
            "action": task.action,
            "plan": task.action.plan,
            "area": task.action.activity_area,
            "leads": list(task.leads.all()),
            "milestones": list(task.milestones.all()),
            "history": list(task.rag_updates.all()),
            "suggestion": suggestion_for(task),
            "evidence": evidence_for(task, user=request.user, today=today),
            "form": form if may_update else None,
            # An ongoing task is reviewed rather than given milestones (decision 6).
            "review_form": review_form if may_update and task.is_ongoing else None,
            "may_update": may_update,
            "rag_key": [DEFINITIONS[key] for key in ORDER],
            "today": today,
        },
        status=400 if form.errors or review_form.errors else 200,
    )


def _set_review(request, task: Task, form: ReviewDateForm):
    review_on = form.cleaned_data["review_on"]
    try:
        services.set_review_date(task=task, review_on=review_on, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url(task))
    if review_on:
        messages.success(request, REVIEW_SET.format(day=long_date(review_on)))
    else:
        messages.success(request, REVIEW_CLEARED)
    return redirect(_url(task, "next-review"))


def _mark_milestone(request, task: Task, today):
    """One milestone marked done today (or not done after all), through the service."""
    form = MilestoneDoneForm(request.POST, task=task)
    if not form.is_valid():
        messages.error(request, "Choose a milestone of this task to mark")
        return redirect(_url(task, "milestones"))
    milestone, done = form.cleaned_data["milestone"], form.cleaned_data["done"]
    try:
        services.mark_milestone_done(milestone=milestone, by=request.user, done=done, today=today)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url(task, "milestones"))
    name = str(milestone) if milestone.description else f"Due {long_date(milestone.due_on)}"
    messages.success(request, (MILESTONE_DONE if done else MILESTONE_OPEN).format(milestone=name))
    return redirect(_url(task, "milestones"))
