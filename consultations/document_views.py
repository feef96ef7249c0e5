"""A consultation's documents, for those who build consultations: listed in the order people
see them, added, moved up or down, and removed after a confirmation. Each door asks the rule
consultations.build_consultations, of the page and of the consultation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from engagement.views.access import rule_required

from .document_forms import DocumentForm, MoveForm
from .documents import add_document, move_document, remove_document
from .models import Consultation
from .rules import BUILD_CONSULTATIONS

LIST_TEMPLATE = "consultations/staff/documents.html"
REMOVE_TEMPLATE = "consultations/staff/documents_remove.html"
ADDED = "“{title}” added."
MOVED = "“{title}” moved {direction}."
REMOVED = "“{title}” removed."
NOT_MOVED = (
    "The document could not be moved: it may have just been removed. Here is the list as it is now."
)


def _consultation(request, pk) -> Consultation:
    consultation = get_object_or_404(Consultation, pk=pk)
    if not request.user.has_perm(BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied
    return consultation


def _list_page(request, consultation, form, status=200):
    return render(
        request,
        LIST_TEMPLATE,
        {
            "consultation": consultation,
            "documents": list(consultation.documents.all()),
            "form": form,
        },
        status=status,
    )


def _move(request, consultation):
    form = MoveForm(consultation, request.POST)
    if not form.is_valid():
        messages.error(request, NOT_MOVED)
        return redirect("consultations_staff:documents", pk=consultation.pk)
    direction = form.cleaned_data["move"]
    document = move_document(
        document=form.cleaned_data["document"], direction=direction, by=request.user
    )
    messages.success(request, MOVED.format(title=document.title, direction=direction))
    return redirect("consultations_staff:documents", pk=consultation.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def document_list(request, pk):
    consultation = _consultation(request, pk)
    if request.method != "POST":
        return _list_page(request, consultation, DocumentForm())
    if "move" in request.POST:
        return _move(request, consultation)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = add_document(
                consultation=consultation,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, ADDED.format(title=document.title))
            return redirect("consultations_staff:documents", pk=consultation.pk)
    return _list_page(request, consultation, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def document_remove(request, pk, document_pk):
    consultation = _consultation(request, pk)
    document = get_object_or_404(consultation.documents, pk=document_pk)
    if request.method == "POST":
        remove_document(document=document, by=request.user)
        messages.success(request, REMOVED.format(title=document.title))
        return redirect("consultations_staff:documents", pk=consultation.pk)
    return render(request, REMOVE_TEMPLATE, {"consultation": consultation, "document": document})
