"""Newsletter issues: the staff pages to compose, preview, test, schedule, send, pause and resume
an issue and follow its progress, and the public web view of an issue once sent."""

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from pcc_portal.public_cache import cached_for_visitors

from .. import newsletters
from ..forms import add_service_errors
from ..newsletter_forms import NewsletterForm, ScheduleForm
from ..newsletter_models import NewsItem, Newsletter
from ..rules import COMPOSE_NEWSLETTERS, OPEN_NEWSLETTERS, SEND_NEWSLETTERS
from ..signals import NEWSLETTERS
from .access import rule_required

PER_PAGE = 25
Status = Newsletter.Status


def _tagged(newsletter: Newsletter) -> Newsletter:
    newsletter.state = {
        "staff_name": newsletter.get_status_display(),
        "colour": newsletters.COLOURS.get(newsletter.status, "grey"),
    }
    return newsletter


def _issue(pk) -> Newsletter:
    return get_object_or_404(Newsletter.objects.select_related("mailing", "created_by"), pk=pk)


@rule_required(OPEN_NEWSLETTERS)
def newsletter_list(request):
    issues = Newsletter.objects.select_related("created_by").order_by("-created_at", "-pk")
    page = Paginator(issues, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [_tagged(issue) for issue in page.object_list]
    return render(
        request,
        "engagement/newsletters/newsletter_list.html",
        {"page": page, "can_compose": request.user.has_perm(COMPOSE_NEWSLETTERS)},
    )


def _compose(request, newsletter: Newsletter | None):
    news_items = NewsItem.objects.published().order_by("-published_at", "-pk")[:50]
    initial = (
        {
            "subject": newsletter.subject,
            "kind": newsletter.kind,
            "introduction": newsletter.introduction,
            "lists": list(newsletter.lists.all()),
            "news_items": list(newsletter.news_items.all()),
            "sections": newsletter.sections,
        }
        if newsletter
        else {"sections": [key for key, _ in newsletters.section_choices()]}
    )
    form = NewsletterForm(
        request.POST or None,
        initial=initial,
        section_choices=newsletters.section_choices(),
        news_items=NewsItem.objects.filter(pk__in=[item.pk for item in news_items]).order_by(
            "-published_at", "-pk"
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            newsletter = newsletters.save_issue(
                newsletter=newsletter, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue saved.")
            return redirect("engagement:newsletter_detail", pk=newsletter.pk)
    return render(
        request,
        "engagement/newsletters/newsletter_form.html",
        {"form": form, "newsletter": newsletter},
        status=400 if form.errors else 200,
    )


@rule_required(COMPOSE_NEWSLETTERS)
def newsletter_new(request):
    return _compose(request, None)


@rule_required(COMPOSE_NEWSLETTERS)
def newsletter_edit(request, pk):
    newsletter = _issue(pk)
    if not newsletter.is_changeable:
        messages.error(request, newsletters.NOT_A_DRAFT)
        return redirect("engagement:newsletter_detail", pk=pk)
    return _compose(request, newsletter)


# What the issue's page may be asked to do: the verb, the rule it asks, and what to say.
ACTIONS = {
    "test": (newsletters.send_test, COMPOSE_NEWSLETTERS, "A test has been sent to you."),
    "unschedule": (newsletters.unschedule_issue, SEND_NEWSLETTERS, "The issue is a draft again."),
    "pause": (newsletters.pause_issue, SEND_NEWSLETTERS, "Sending is paused."),
    "resume": (newsletters.resume_issue, SEND_NEWSLETTERS, "Sending has resumed."),
}


@rule_required(OPEN_NEWSLETTERS)
def newsletter_detail(request, pk):
    """The issue: what it holds, where it goes, and its progress while it sends. Its buttons
    post here ("action"): a test to oneself, schedule or not, pause and resume."""
    newsletter = _issue(pk)
    user = request.user
    schedule_form = ScheduleForm(request.POST if "schedule" in request.POST else None)
    if request.method == "POST":
        action = request.POST.get("action", "schedule" if "schedule" in request.POST else "")
        if action == "schedule":
            if not user.has_perm(SEND_NEWSLETTERS):
                raise PermissionDenied
            if schedule_form.is_valid():
                try:
                    newsletters.schedule_issue(
                        newsletter=newsletter, when=schedule_form.when(), by=user
                    )
                except ValidationError as error:
                    add_service_errors(schedule_form, error)
                else:
                    messages.success(request, "The issue is scheduled.")
                    return redirect("engagement:newsletter_detail", pk=pk)
        elif action in ACTIONS:
            verb, rule, done = ACTIONS[action]
            if not user.has_perm(rule):
                raise PermissionDenied
            try:
                verb(newsletter=newsletter, by=user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, done)
            return redirect("engagement:newsletter_detail", pk=pk)
        else:
            return HttpResponseBadRequest()
    progress = newsletters.progress(newsletter)
    content = newsletters.sent_content(newsletter) or newsletters.assemble(newsletter)
    return render(
        request,
        "engagement/newsletters/newsletter_detail.html",
        {
            "newsletter": _tagged(newsletter),
            "content": content,
            "lists": newsletter.lists.all(),
            "progress": progress,
            "can_compose": user.has_perm(COMPOSE_NEWSLETTERS),
            "can_send": user.has_perm(SEND_NEWSLETTERS),
            "schedule_form": schedule_form,
        },
        status=400 if schedule_form.errors else 200,
    )


@rule_required(OPEN_NEWSLETTERS)
@require_GET
def newsletter_progress(request, pk):
    """The figures the issue's page refreshes while it sends."""
    newsletter = _issue(pk)
    figures = newsletters.progress(newsletter) or {}
    return JsonResponse({"status": newsletter.status, **figures})


@rule_required(OPEN_NEWSLETTERS)
@require_GET
# An email carries its styles inline (mail programs ignore style sheets): the preview lets them
# through, and nothing else: no script runs in it.
@csp_replace({"style-src": [UNSAFE_INLINE], "script-src": [NONE], "sandbox": ["allow-popups"]})
def newsletter_preview(request, pk, part="html"):
    """The email as a recipient gets it (HTML, or the plain-text part)."""
    newsletter = _issue(pk)
    content = newsletters.sent_content(newsletter) or newsletters.assemble(newsletter)
    html, text = newsletters.render_parts({**content, "unsubscribe_url": "#unsubscribe"})
    if part == "txt":
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    return HttpResponse(html)


@rule_required(SEND_NEWSLETTERS)
def newsletter_send(request, pk):
    """Send now: a page to confirm (how many addresses), then the send."""
    newsletter = _issue(pk)
    if request.method == "POST":
        try:
            newsletters.send_issue(newsletter=newsletter, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "The issue is being sent.")
        return redirect("engagement:newsletter_detail", pk=pk)
    if not newsletter.is_changeable:
        return redirect("engagement:newsletter_detail", pk=pk)
    return render(
        request,
        "engagement/newsletters/newsletter_send.html",
        {"newsletter": newsletter, "count": len(newsletters.recipients(newsletter))},
    )


# --- The public web view ------------------------------------------------------------------------


@require_GET
@cached_for_visitors(NEWSLETTERS)
def newsletter_web_view(request, pk):
    """An issue as it was sent, on the website; an issue not sent yet is not found."""
    newsletter = get_object_or_404(Newsletter.objects.select_related("mailing"), pk=pk)
    content = newsletters.sent_content(newsletter)
    if content is None:
        raise Http404
    return render(request, "engagement/newsletters/web_view.html", {"content": content})
