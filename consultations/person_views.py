"""Subject access and erasure: staff find one person's responses by email address, download
them and erase them. The address is always sent in a POST, so it never ends up in a web
address, a log of requests or the browser's history; the pages are never cached."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from engagement.views.access import rule_required

from . import people, saving
from .person_forms import PersonForm
from .rules import MANAGE_PERSONAL_DATA

SEARCH_TEMPLATE = "consultations/staff/person.html"


def _search_page(request, form, responses=None, saved=None, status=200):
    email = form.cleaned_data["email"] if responses is not None else ""
    context = {"form": form, "responses": responses, "saved": saved, "email": email}
    return render(request, SEARCH_TEMPLATE, context, status=status)


@never_cache
@rule_required(MANAGE_PERSONAL_DATA)
@require_http_methods(["GET", "POST"])
def person_search(request):
    if request.method != "POST":
        return _search_page(request, PersonForm())
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _search_page(request, form, status=400)
    email = form.cleaned_data["email"]
    responses = list(people.responses_of(email))
    return _search_page(request, form, responses, list(saving.saved_of(email)))


@never_cache
@rule_required(MANAGE_PERSONAL_DATA)
@require_http_methods(["GET", "POST"])
def person_download(request):
    if request.method != "POST":
        return _search_page(request, PersonForm())
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _search_page(request, form, status=400)
    data = people.export_person(email=form.cleaned_data["email"], by=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="consultation-responses-{day}.json"'
    return response


@never_cache
@rule_required(MANAGE_PERSONAL_DATA)
@require_http_methods(["GET", "POST"])
def person_erase(request):
    if request.method != "POST":
        return _search_page(request, PersonForm())
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _search_page(request, form, status=400)
    email = form.cleaned_data["email"]
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "consultations/staff/person_erase.html",
            {
                "email": email,
                "responses": list(people.responses_of(email)),
                "saved": list(saving.saved_of(email)),
            },
        )
    erased = people.erase_responses_of(email=email, by=request.user)
    messages.success(
        request, f"{erased} response{'s' if erased != 1 else ''} erased. This cannot be undone."
    )
    return redirect("consultations_staff:people")
