"""Contacts, logged by ambassadors on their phones, and the organisations of their area."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pcc_portal.models import OfficeProfile

from ..filters import ContactFilter, OrganisationFilter
from ..forms import ContactForm, OrganisationForm, add_service_errors
from ..models import Contact, Organisation, RaisedIssue, WorkPlan
from ..rules import CHANGE_CONTACT_RECORD, OPEN_STAFF_CONTACTS, VIEW_CONTACT_RECORD
from ..services import add_organisation, log_contact, update_contact
from .access import ambassador_required, rule_required

PAGE_SIZE = 25


def _contact_form(request, ambassador, *, data=None, initial=None):
    return ContactForm(
        data,
        initial=initial,
        organisations=Organisation.objects.visible_to(request.user).order_by("name"),
        holder_title=OfficeProfile.objects.get_current().holder_title,
    )


def _render_form(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


FORM_WITHOUT_KEY = (
    "This form could not be checked against contacts already saved. Check the answers and "
    "select Save contact again"
)


def _key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


@ambassador_required
def contact_new(request):
    """Log a contact: one contact per form, however often it is saved.

    Each visit gets an address of its own, `?key=<submission key>`, made before the form is
    shown. A browser going Back to the form after saving it asks that address again (the page
    is not kept, as it holds personal data) and gets the same key, so Save finds the contact
    already stored instead of making a second; "Log a contact" starts a new key.
    """
    ambassador = request.ambassador
    url_key = _key(request.GET.get("key"))
    if request.method != "POST":
        if url_key is None:
            return redirect(f"{reverse('engagement:contact_new')}?key={ContactForm.new_key()}")
        form = _contact_form(
            request, ambassador, initial=ContactForm.initial_for(ambassador, key=url_key)
        )
        saved = Contact.objects.filter(submission_key=url_key, ambassador=ambassador).first()
        return _render_form(
            request, "engagement/contact_form.html", {"creating": True, "saved": saved}, form
        )
    data = request.POST.copy()
    key = url_key or _key(data.get("submission_key"))
    if key is None:
        # A form that lost its key cannot be told apart from one already saved: nothing is
        # stored, and it comes back under a key of its own.
        data["submission_key"] = str(ContactForm.new_key())
        form = _contact_form(request, ambassador, data=data)
        form.is_valid()
        form.add_error(None, FORM_WITHOUT_KEY)
        return _render_form(request, "engagement/contact_form.html", {"creating": True}, form)
    data["submission_key"] = str(key)
    form = _contact_form(request, ambassador, data=data)
    if form.is_valid():
        try:
            contact, created = log_contact(
                user=request.user,
                answers=form.answers(),
                submission_key=key,
                raise_with_commissioner=form.cleaned_data["raise_with_commissioner"],
                raise_summary=form.cleaned_data["raise_summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Contact saved.")
            else:
                messages.info(request, "This contact was already saved.")
            return redirect("engagement:contact_detail", pk=contact.pk)
    return _render_form(request, "engagement/contact_form.html", {"creating": True}, form)


def _contact_for(request, pk) -> Contact:
    contact = get_object_or_404(Contact.objects.for_lists(), pk=pk)
    if not request.user.has_perm(VIEW_CONTACT_RECORD, contact):
        raise PermissionDenied
    return contact


@login_required
def contact_detail(request, pk):
    contact = _contact_for(request, pk)
    return render(
        request,
        "engagement/contact_detail.html",
        {"contact": contact, "can_edit": request.user.has_perm(CHANGE_CONTACT_RECORD, contact)},
    )


@ambassador_required
def contact_edit(request, pk):
    contact = _contact_for(request, pk)
    if not request.user.has_perm(CHANGE_CONTACT_RECORD, contact):
        raise PermissionDenied
    context = {"creating": False, "contact": contact}
    if request.method != "POST":
        form = _contact_form(
            request,
            request.ambassador,
            initial=ContactForm.initial_for(request.ambassador, contact),
        )
        return _render_form(request, "engagement/contact_form.html", context, form)
    form = _contact_form(request, request.ambassador, data=request.POST)
    if form.is_valid():
        try:
            update_contact(
                user=request.user,
                contact=contact,
                answers=form.answers(),
                raise_with_commissioner=form.cleaned_data["raise_with_commissioner"],
                raise_summary=form.cleaned_data["raise_summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contact updated.")
            return redirect("engagement:contact_detail", pk=contact.pk)
    return _render_form(request, "engagement/contact_form.html", context, form)


@ambassador_required
def contact_list(request):
    contacts = Contact.objects.for_lists().filter(ambassador=request.ambassador)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/contact_list.html", {"page": page, "staff_view": False})


@rule_required(OPEN_STAFF_CONTACTS)
def staff_contact_list(request):
    filters = ContactFilter(request.GET, queryset=Contact.objects.for_lists())
    contacts = filters.qs if filters.is_valid() else Contact.objects.none()
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/contact_list.html",
        {"page": page, "filters": filters, "staff_view": True},
        status=200 if filters.is_valid() else 400,
    )


@ambassador_required
def organisation_list(request):
    filters = OrganisationFilter(
        request.GET,
        queryset=Organisation.objects.visible_to(request.user).prefetch_related("policing_areas"),
    )
    organisations = filters.qs if filters.is_valid() else Organisation.objects.none()
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/organisation_list.html", {"page": page, "filters": filters})


@ambassador_required
def organisation_new(request):
    form = OrganisationForm(request.POST or None)
    if request.method != "POST":
        area = request.ambassador.policing_area_id
        form = OrganisationForm(initial={"policing_areas": [area] if area else []})
    elif form.is_valid():
        try:
            organisation = add_organisation(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{organisation.name} added.")
            return redirect("engagement:organisation_list")
    return _render_form(request, "engagement/organisation_form.html", {}, form)


@ambassador_required
def ambassador_home(request):
    """The ambassador's start page: their work plan and what needs doing."""
    ambassador = request.ambassador
    plan = (
        WorkPlan.objects.filter(ambassador=ambassador)
        .prefetch_related("focus_areas__activity_area", "reviews")
        .first()
    )
    recent = Contact.objects.for_lists().filter(ambassador=ambassador)[:5]
    issues = (
        RaisedIssue.objects.filter(contact__ambassador=ambassador)
        .outstanding()
        .select_related("contact")
    )
    return render(
        request,
        "engagement/ambassador_home.html",
        {"ambassador": ambassador, "plan": plan, "recent": recent, "issues": issues},
    )
