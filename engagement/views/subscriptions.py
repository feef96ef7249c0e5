"""The distribution lists' pages: the public sign-up with its confirmation, one-click
unsubscribe, the end-of-consultation offer, a person met in the field, and the staff's lists and
CSV import. The rules live in engagement/subscriptions.py."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from pcc_portal.client_ip import client_fingerprint
from pcc_portal.errors import too_many_requests
from pcc_portal.public_cache import cached_for_visitors

from ..forms import add_service_errors
from ..newsletter_models import ConsentMethod, DistributionList
from ..rules import ADD_SUBSCRIBERS, IMPORT_LIST_CONTACTS, OPEN_DISTRIBUTION_LISTS
from ..signals import LISTS
from ..subscription_forms import (
    ConsultationOptInForm,
    FieldSubscribeForm,
    ImportForm,
    SubscribeForm,
)
from ..subscriptions import (
    CONSULTATION_WORDING,
    FIELD_STATEMENT,
    SIGN_UP_STATEMENT,
    confirm_subscription,
    consultations_list,
    field_wording,
    import_contacts,
    read_confirmation,
    read_unsubscribe,
    request_subscription,
    sign_up_wording,
    unsubscribe,
    unsubscribe_everywhere,
)
from .access import rule_required

SIGN_UPS_PER_MINUTE = 10
FLOOD_KEY = "engagement:sign-up:{client}:{minute}"


def _flooding(request) -> bool:
    """Count one sign-up from this client; True past SIGN_UPS_PER_MINUTE this minute (the form
    sends email to the address typed, so it is not left open to a script)."""
    minute = int(timezone.now().timestamp()) // 60
    key = FLOOD_KEY.format(client=client_fingerprint(request).hex(), minute=minute)
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)
        count = 1
    return count > SIGN_UPS_PER_MINUTE


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _sign_up(lists) -> dict:
    return {"lists": lists, "statement": SIGN_UP_STATEMENT}


@cached_for_visitors(LISTS, query=("list",))
def subscribe(request):
    """Sign up to the public lists, with no account: a link to confirm is emailed. The empty
    form is the same for every visitor, so it is cached with its CSRF token served fresh."""
    lists = DistributionList.objects.public()
    if request.method != "POST":
        chosen = request.GET.get("list")
        initial = {"lists": lists.filter(slug=chosen)} if chosen else {}
        form = SubscribeForm(lists=lists, initial=initial)
        response = _form_page(request, "engagement/subscribe.html", _sign_up(lists), form)
        response.fresh_fields = {}
        return response
    form = SubscribeForm(request.POST, lists=lists)
    if form.is_valid():
        if _flooding(request):
            return too_many_requests(request)
        chosen = list(form.cleaned_data["lists"])
        try:
            request_subscription(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                policing_area=form.cleaned_data["policing_area"],
                lists=chosen,
                method=ConsentMethod.WEB_FORM,
                wording=sign_up_wording(chosen),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("engagement:subscribe_sent")
    return _form_page(request, "engagement/subscribe.html", _sign_up(lists), form)


def subscribe_sent(request):
    return render(request, "engagement/subscribe_sent.html")


@never_cache
def subscription_confirm(request, token):
    """The link in the confirmation email. Opening it shows a button (mail scanners that open
    every link must not confirm on the person's behalf); pressing it confirms."""
    try:
        subscriber, lists = read_confirmation(token)
    except ValidationError as error:
        return render(
            request,
            "engagement/subscription_link_problem.html",
            {"expired": error.code == "expired"},
            status=400,
        )
    if request.method == "POST":
        subscriber, confirmed = confirm_subscription(token=token)
        return render(
            request,
            "engagement/subscription_confirmed.html",
            {"subscriber": subscriber, "lists": confirmed},
        )
    return render(
        request,
        "engagement/subscription_confirm.html",
        {"subscriber": subscriber, "lists": lists},
    )


ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


# A mail program's one-click POST (RFC 8058) carries no cookie and no CSRF token: the signed
# token in the address is what proves the request, so CSRF is not asked here.
@csrf_exempt
@never_cache
def unsubscribe_link(request, token):
    """The unsubscribe link of every email: GET shows one button, POST unsubscribes."""
    try:
        link = read_unsubscribe(token)
    except ValidationError:
        return render(
            request,
            "engagement/subscription_link_problem.html",
            {"unsubscribing": True},
            status=400,
        )
    if request.method == "POST":
        if request.POST.get("everything"):
            unsubscribe_everywhere(email=link.email, source="Unsubscribed from every list")
            return render(request, "engagement/unsubscribed.html", {"everything": True})
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        for distribution_list in link.lists:
            unsubscribe(
                email=link.email,
                distribution_list=distribution_list,
                source=f"{'One-click unsubscribe' if one_click else 'Unsubscribed'} from "
                f"{distribution_list}",
            )
        if one_click:
            return HttpResponse("Unsubscribed", content_type="text/plain; charset=utf-8")
        return render(
            request, "engagement/unsubscribed.html", {"names": link.names, "token": token}
        )
    return render(
        request, "engagement/unsubscribe.html", {"names": link.names, "email": link.email}
    )


@never_cache
def consultation_opt_in(request):
    """Linked from the end of a consultation: "tell me about future consultations" starts the
    same double opt-in for the consultations list."""
    distribution_list = consultations_list()
    if distribution_list is None:
        return redirect("engagement:subscribe")
    form = ConsultationOptInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _flooding(request):
            return too_many_requests(request)
        try:
            request_subscription(
                email=form.cleaned_data["email"],
                lists=[distribution_list],
                method=ConsentMethod.CONSULTATION,
                wording=CONSULTATION_WORDING,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("engagement:subscribe_sent")
    return _form_page(
        request, "engagement/consultation_opt_in.html", {"statement": CONSULTATION_WORDING}, form
    )


@rule_required(ADD_SUBSCRIBERS)
def field_subscribe(request):
    """An ambassador or officer adds a person met in the field, who agreed there and then; the
    person still confirms from the email sent to them."""
    form = FieldSubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["lists"])
        try:
            request_subscription(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                lists=chosen,
                method=ConsentMethod.IN_PERSON,
                wording=field_wording(chosen),
                added_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "We have emailed them a link to confirm. They join the lists when they do.",
            )
            return redirect("engagement:field_subscribe")
    return _form_page(
        request,
        "engagement/field_subscribe.html",
        {"statement": FIELD_STATEMENT},
        form,
    )


@rule_required(OPEN_DISTRIBUTION_LISTS)
def list_index(request):
    """The distribution lists, with how many are confirmed, waiting and gone."""
    lists = DistributionList.objects.with_counts()
    return render(request, "engagement/list_index.html", {"lists": lists})


@rule_required(IMPORT_LIST_CONTACTS)
def list_import(request, slug):
    """Import a CSV file of existing contacts into an internal list: all rows or none."""
    distribution_list = get_object_or_404(DistributionList, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_contacts(
                distribution_list=distribution_list,
                data=form.cleaned_data["file"].read(),
                lawful_basis=form.cleaned_data["lawful_basis"],
                by=request.user,
            )
        except ValidationError as error:
            problems = error.messages
            form.add_error("file", "The file was not imported: correct the rows listed")
        else:
            messages.success(
                request,
                f"{result.added} added to {distribution_list}. "
                f"{result.already_on_list} already on the list, "
                f"{result.suppressed} on the suppression list and "
                f"{result.unsubscribed} who had unsubscribed were left out.",
            )
            return redirect(reverse("engagement:list_index"))
    return _form_page(
        request,
        "engagement/list_import.html",
        {"list": distribution_list, "problems": problems},
        form,
    )
