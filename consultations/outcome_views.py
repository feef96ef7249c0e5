"""The "You said, we did" staff page of a consultation: writing its outcome and publishing it.

Everyone who sees the results reads the page; engagement officers write every part and publish;
the Commissioner and Deputy write what was decided (consultations/rules.py). Saving and
publishing call consultations/outcomes.py, which holds every rule: the page only decides what to
show.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from engagement.forms import add_service_errors
from engagement.views.access import rule_required
from pcc_portal.mail.services import date_in_words

from . import outcomes, workflow
from .models import Consultation, Outcome
from .outcome_forms import OutcomeForm
from .rules import PUBLISH_OUTCOME, RECORD_OUTCOME_DECISION, SEE_RESULTS

SAVED = "Outcome saved."
NOT_WRITTEN = "Write the outcome before publishing it"


def _outcome_of(consultation: Consultation) -> Outcome | None:
    return (
        Outcome.objects.filter(consultation=consultation).select_related("decision_record").first()
    )


def _is_overdue(consultation: Consultation) -> bool:
    return Consultation.objects.feedback_overdue().filter(pk=consultation.pk).exists()


def _emailed(consultation: Consultation) -> int:
    return len(outcomes.feedback_addresses(consultation))


def _initial(outcome: Outcome | None) -> dict:
    if outcome is None:
        return {}
    return {
        "said": outcome.said,
        "decision": outcome.decision,
        "shaped_by": outcome.shaped_by,
        "decision_record": outcome.decision_record_id,
    }


def _timeline(outcome: Outcome | None) -> list[dict]:
    """The outcome's saved versions, newest first: when it was started, changed and published."""
    if outcome is None:
        return []
    steps, published = [], False
    versions = outcome.history.select_related("history_user").order_by("history_date", "pk")
    for version in versions:
        if version.history_type == "+":
            title = "Started"
        elif version.published_at and not published:
            title = "Published"
        else:
            title = "Changed"
        published = published or version.published_at is not None
        steps.append({"title": title, "by": version.history_user, "at": version.history_date})
    return steps[::-1]


def _page(request, consultation, outcome, form, *, status=200):
    phase = consultation.phase()
    return render(
        request,
        "consultations/staff/outcome.html",
        {
            "consultation": consultation,
            "outcome": outcome,
            "form": form,
            "state": workflow.STATES.get(consultation.status),
            "phase_label": Consultation.Phase(phase).label if phase else "",
            "closed": phase == Consultation.Phase.CLOSED,
            "closes_on": date_in_words(timezone.localdate(consultation.closes_at)),
            "published_on": date_in_words(timezone.localdate(outcome.published_at))
            if outcome is not None and outcome.is_published
            else "",
            "feedback_overdue": _is_overdue(consultation),
            "can_publish": request.user.has_perm(PUBLISH_OUTCOME, consultation),
            "history": _timeline(outcome),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(SEE_RESULTS)
def outcome_page(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk)
    outcome = _outcome_of(consultation)
    writes_everything = request.user.has_perm(PUBLISH_OUTCOME, consultation)
    writes_decision = request.user.has_perm(RECORD_OUTCOME_DECISION, consultation)
    if not (writes_everything or writes_decision):
        if request.method == "POST":
            # The service would refuse it too; refuse at the door before reading the form.
            raise PermissionDenied
        return _page(request, consultation, outcome, None)
    decision_only = not writes_everything
    if request.method != "POST":
        form = OutcomeForm(initial=_initial(outcome), decision_only=decision_only)
        return _page(request, consultation, outcome, form)
    form = OutcomeForm(request.POST, decision_only=decision_only)
    if form.is_valid():
        data = form.cleaned_data
        kept = _initial(outcome) or {"said": "", "shaped_by": ""}
        try:
            outcomes.write_outcome(
                consultation=consultation,
                # Someone who records the decision sends back what is there for the rest.
                said=data["said"] if "said" in data else kept["said"],
                decision=data["decision"],
                shaped_by=data["shaped_by"] if "shaped_by" in data else kept["shaped_by"],
                decision_record=data["decision_record"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("consultations_staff:outcome", pk=consultation.pk)
    return _page(request, consultation, outcome, form, status=400)


def _unpublishable(consultation: Consultation, outcome: Outcome | None) -> list[str]:
    """Why the outcome cannot be published yet, in the service's words; empty when it can."""
    if outcome is None:
        return [NOT_WRITTEN]
    try:
        outcomes.check_closed(consultation)
    except ValidationError as error:
        return error.messages
    if outcome.is_published:
        day = date_in_words(timezone.localdate(outcome.published_at))
        return [outcomes.ALREADY_PUBLISHED.format(day=day)]
    return [
        message
        for field, message in outcomes.MISSING.items()
        if not getattr(outcome, field).strip()
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(PUBLISH_OUTCOME)
def outcome_publish(request, pk):
    """Ask before publishing, saying how many people will be emailed; then publish once."""
    consultation = get_object_or_404(Consultation, pk=pk)
    outcome = _outcome_of(consultation)
    problems = _unpublishable(consultation, outcome)
    status = 200
    if request.method == "POST" and outcome is not None:
        try:
            outcomes.publish_outcome(outcome=outcome, by=request.user)
        except ValidationError as error:
            problems, status = error.messages, 400
        else:
            emailed = _emailed(consultation)
            told = (
                f" {emailed} {'person is' if emailed == 1 else 'people are'} being emailed."
                if emailed
                else ""
            )
            messages.success(request, f"Outcome published.{told}")
            return redirect("consultations_staff:outcome", pk=consultation.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "consultations/staff/outcome_publish.html",
        {
            "consultation": consultation,
            "outcome": outcome,
            "problems": problems,
            "emailed": _emailed(consultation),
        },
        status=status,
    )
