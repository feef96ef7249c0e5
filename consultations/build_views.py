"""The staff pages that build a consultation: its details, its questions, a preview, the Publish
and Withdraw buttons and the history of who changed what. Each door asks one rule of
consultations/rules.py; the rules of building live in consultations/building.py, publishing and
withdrawing in services.py, the precept questions in precept.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from engagement.views.access import rule_required

from . import building, editing, precept, workflow
from .build_forms import (
    ConfirmForm,
    ConsultationForm,
    MoveForm,
    PreceptForm,
    QuestionForm,
    QuestionMoveForm,
)
from .models import Consultation, Question
from .plan import in_words
from .rules import BUILD_CONSULTATIONS, SEE_DRAFTS, SEE_RESULTS
from .services import move_consultation, problems_before_publishing

# The public page's own drawing, so the preview shows exactly what people will see.
from .views import consultation_page as public_page

TEMPLATES = "consultations/staff/building/"
CREATED = "Consultation created: {title}. Now add its questions."
SAVED = "Details saved."
MOVED = "{title}: {action}."
QUESTION_ADDED = "Question added: {text}"
QUESTION_SAVED = "Question saved: {text}"
QUESTION_DELETED = "Question deleted: {text}"
PRECEPT_ADDED = "The precept questions were added: questions {first} to {last}."
MOVE_DONE = {
    workflow.PUBLISHED: "published",
    workflow.WITHDRAWN: "withdrawn",
    workflow.DRAFT: "returned to draft",
}


def _consultation(request, pk, rule, queryset=None) -> Consultation:
    consultation = get_object_or_404(
        Consultation.objects.all() if queryset is None else queryset, pk=pk
    )
    if not request.user.has_perm(rule, consultation):
        raise PermissionDenied
    return consultation


def _heading(request, consultation: Consultation, tab: str) -> dict:
    """What the header and sub navigation of a consultation's pages show."""
    phase = consultation.phase()
    return {
        "consultation": consultation,
        "state": workflow.STATES.get(consultation.status),
        "phase_label": Consultation.Phase(phase).label if phase else "",
        "tab": tab,
        "can_build": request.user.has_perm(BUILD_CONSULTATIONS, consultation),
        "can_see_results": request.user.has_perm(SEE_RESULTS, consultation),
    }


# --- Details ----------------------------------------------------------------------------------


def _details_page(request, consultation: Consultation | None):
    if request.method != "POST":
        initial = ConsultationForm.initial_for(consultation, request.user)
        form = ConsultationForm(initial=initial, consultation=consultation)
    else:
        form = ConsultationForm(request.POST, consultation=consultation)
        if form.is_valid():
            try:
                if consultation is None:
                    saved = building.create_consultation(details=form.details(), by=request.user)
                else:
                    saved = building.update_consultation(
                        consultation=consultation, details=form.details(), by=request.user
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if consultation is None:
                    messages.success(request, CREATED.format(title=saved.title))
                    return redirect("consultations_staff:questions", pk=saved.pk)
                messages.success(request, SAVED)
                return redirect("consultations_staff:overview", pk=saved.pk)
    context = {"form": form}
    if consultation is not None:
        context.update(_heading(request, consultation, "details"))
    return render(
        request,
        TEMPLATES + "consultation_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def consultation_create(request):
    return _details_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def consultation_edit(request, pk):
    queryset = Consultation.objects.prefetch_related("activity_areas", "objectives", "partners")
    return _details_page(request, _consultation(request, pk, BUILD_CONSULTATIONS, queryset))


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(SEE_DRAFTS)
def consultation_overview(request, pk):
    """The consultation at a glance: its details, what stops it being published, the buttons
    that publish or withdraw it (a POST here), and its history."""
    queryset = (
        Consultation.objects.select_related("owner")
        .prefetch_related("activity_areas", "objectives", "partners")
        .annotate(response_count=Count("responses"))
    )
    consultation = _consultation(request, pk, SEE_DRAFTS, queryset)
    form = MoveForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            move_consultation(consultation=consultation, to=to, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            done = MOVE_DONE.get(to, to)
            messages.success(request, MOVED.format(title=consultation.title, action=done))
            return redirect("consultations_staff:overview", pk=consultation.pk)
    history, earlier = building.consultation_history(consultation)
    moves = [
        move
        for move in workflow.moves_from(consultation.status)
        if request.user.has_perm(move.rule, consultation)
    ]
    return render(
        request,
        TEMPLATES + "overview.html",
        {
            **_heading(request, consultation, "details"),
            "form": form,
            "moves": moves,
            "problems": (
                problems_before_publishing(consultation)
                if consultation.status == workflow.DRAFT
                else []
            ),
            "opens": in_words(consultation.opens_at),
            "closes": in_words(consultation.closes_at),
            "history": history,
            "earlier_changes": earlier,
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- Questions --------------------------------------------------------------------------------


def _questions_of(consultation: Consultation) -> list[Question]:
    return list(
        consultation.questions.in_order()
        .prefetch_related("measure_points")
        .order_by("position", "pk")
    )


def _numbers(questions) -> dict[int, int]:
    return {question.pk: number for number, question in enumerate(questions, start=1)}


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(SEE_DRAFTS)
def question_list(request, pk):
    """The questions in order, each with its answers, condition and measure; for those who
    build, the Move up and Move down buttons (a POST here) and links to change each."""
    consultation = _consultation(request, pk, SEE_DRAFTS)
    form = QuestionMoveForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        question = get_object_or_404(
            Question.objects.select_related("consultation"),
            pk=form.cleaned_data["question"],
            consultation=consultation,
        )
        try:
            moved = building.move_question(
                question=question, direction=form.cleaned_data["direction"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            url = reverse("consultations_staff:questions", args=[consultation.pk])
            return redirect(f"{url}#question-{moved.pk}")
    questions = _questions_of(consultation)
    numbers = _numbers(questions)
    for question in questions:
        question.number = numbers[question.pk]
        question.shown_after = numbers.get(question.show_if_question_id)
    return render(
        request,
        TEMPLATES + "questions.html",
        {
            **_heading(request, consultation, "questions"),
            "questions": questions,
            "answered": consultation.has_responses(),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _question_page(request, consultation: Consultation, question: Question | None):
    questions = _questions_of(consultation)
    if question is not None:
        question = next(q for q in questions if q.pk == question.pk)
    here = (question.position, question.pk) if question else None
    earlier = [
        q
        for q in questions
        if q.kind in Question.WITH_OPTIONS and (here is None or (q.position, q.pk) < here)
    ]
    arguments = {
        "consultation": consultation,
        "question": question,
        "numbers": _numbers(questions),
        "earlier": earlier,
    }
    if request.method != "POST":
        form = QuestionForm(initial=QuestionForm.initial_for(question), **arguments)
    else:
        form = QuestionForm(request.POST, **arguments)
        if form.is_valid():
            try:
                if question is None:
                    saved = building.add_question(
                        consultation=consultation, details=form.details(), by=request.user
                    )
                else:
                    saved = building.update_question(
                        question=question, details=form.details(), by=request.user
                    )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                done = QUESTION_ADDED if question is None else QUESTION_SAVED
                messages.success(request, done.format(text=saved.text))
                url = reverse("consultations_staff:questions", args=[consultation.pk])
                return redirect(f"{url}#question-{saved.pk}")
    number = arguments["numbers"][question.pk] if question else len(questions) + 1
    return render(
        request,
        TEMPLATES + "question_form.html",
        {
            **_heading(request, consultation, "questions"),
            "form": form,
            "question": question,
            "heading": f"Change question {number}" if question else "Add a question",
            "number": number,
            "answered": consultation.has_responses(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def question_add(request, pk):
    return _question_page(request, _consultation(request, pk, BUILD_CONSULTATIONS), None)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def question_edit(request, pk, question_pk):
    consultation = _consultation(request, pk, BUILD_CONSULTATIONS)
    question = get_object_or_404(consultation.questions, pk=question_pk)
    return _question_page(request, consultation, question)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def question_delete(request, pk, question_pk):
    """A confirmation, then the deletion; refused, with the reason, once people have answered
    or while another question is shown only after an answer to this one."""
    consultation = _consultation(request, pk, BUILD_CONSULTATIONS)
    question = get_object_or_404(
        consultation.questions.select_related("consultation"), pk=question_pk
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        try:
            building.delete_question(question=question, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, QUESTION_DELETED.format(text=question.text))
            return redirect("consultations_staff:questions", pk=consultation.pk)
    return render(
        request,
        TEMPLATES + "question_delete.html",
        {
            **_heading(request, consultation, "questions"),
            "question": question,
            "form": form,
            "answered": consultation.has_responses(),
            "kept": editing.QUESTION_KEPT,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def precept_add(request, pk):
    """The precept template's three questions, after the consultation's own, with the Band D
    figure given here."""
    consultation = _consultation(request, pk, BUILD_CONSULTATIONS)
    form = PreceptForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            added = precept.add_precept_questions(
                consultation=consultation,
                band_d_increase=form.cleaned_data["band_d_increase"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            numbers = _numbers(consultation.questions.order_by("position", "pk"))
            messages.success(
                request,
                PRECEPT_ADDED.format(first=numbers[added[0].pk], last=numbers[added[-1].pk]),
            )
            return redirect("consultations_staff:questions", pk=consultation.pk)
    return render(
        request,
        TEMPLATES + "precept_form.html",
        {
            **_heading(request, consultation, "questions"),
            "form": form,
            "example": precept.WILLING.format(amount="£X"),
        },
        status=400 if form.errors else 200,
    )


# --- Preview ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(SEE_DRAFTS)
def consultation_preview(request, pk):
    """The consultation's public page as people will see it, with its form, under the preview
    banner. Nothing sent from it is stored: its own POST is refused, and the public page refuses
    answers to a consultation that is not open. One that is open is not a preview any more: it
    is its public page, and the person is sent there."""
    consultation = _consultation(request, pk, SEE_DRAFTS)
    if consultation.accepts_responses():
        return redirect("consultations:detail", slug=consultation.slug)
    if request.method == "POST":
        response = public_page(request, consultation, preview=True, status=405, refused=True)
        response["Allow"] = "GET, HEAD"
        return response
    return public_page(request, consultation, preview=True)
