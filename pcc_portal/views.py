from axes.utils import reset as reset_axes_lockouts
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context, Template
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from two_factor.views import LoginView

from . import health
from .account_limits import forget_wrong_passwords, seconds_to_wait
from .calendar_feeds import revoke_calendar_feed
from .errors import too_many_requests
from .forms import (
    ChangePasswordForm,
    DeviceTokenForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from .models import CalendarFeed, Decision, DeviceToken, OfficeProfile, SitePage
from .navigation import landing_url_for
from .public_cache import ANY, DECISIONS, MAX_QUERY_VALUE, PAGES, cached_for_visitors
from .registry import home_sections, parts_of
from .services import issue_device_token, revoke_device_token


@cached_for_visitors(ANY)
def home(request):
    """What is open now: each app's sections, in their order. The same for every visitor; a
    signed-in person (never cached) also sees the personal sections, their own upcoming work."""
    now = timezone.now()
    signed_in = request.user.is_authenticated
    sections = [
        {
            "key": section.key,
            "title": section.title,
            "template": section.template,
            "items": _section_items(section, now=now, user=request.user),
            "empty": section.empty,
            "personal": section.personal,
        }
        for section in sorted(home_sections.values(), key=lambda s: (s.order, s.key))
        if signed_in or not section.personal
    ]
    return render(request, "pcc_portal/home.html", {"sections": sections})


def _section_items(section, *, now, user) -> list:
    if section.items is None:
        return []
    if section.personal:
        return section.items(now=now, user=user)
    return section.items(now=now)


@cached_for_visitors(PAGES)
def site_page(request, slug):
    """The office's own statement, then each app's part of it."""
    page = get_object_or_404(SitePage, slug=slug)
    office = OfficeProfile.objects.get_current()
    parts = [
        {"title": part.title, "body": Template(part.body).render(Context({"office": office}))}
        for part in parts_of(slug)
    ]
    return render(request, "pcc_portal/site_page.html", {"page": page, "parts": parts})


@login_required
def landing(request):
    """After signing in: the person's work, not their account page."""
    return redirect(landing_url_for(request.user))


@login_required
def account(request):
    """The person's own page: their roles, the device tokens and the private calendar feeds
    they have issued."""
    new_key = None
    form = DeviceTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = issue_device_token(
                user=request.user,
                name=form.cleaned_data["name"],
                verified=request.user.is_verified(),
            )
        except ValidationError as error:
            form.add_error("name", error.messages[0])
        else:
            messages.success(
                request, f"Token issued for {token.name}. Copy it now: it is shown once."
            )
            form = DeviceTokenForm()
    tokens = DeviceToken.objects.for_user(request.user)
    feeds = CalendarFeed.objects.for_user(request.user)
    response = render(
        request,
        "pcc_portal/account.html",
        {
            "form": form,
            "tokens": tokens,
            "feeds": feeds,
            "new_key": new_key,
            "groups": request.user.groups.all(),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(DeviceToken, pk=pk, user=request.user)
    revoke_device_token(token=token)
    messages.success(request, f"Token for {token.name} revoked.")
    return redirect("pcc_portal:account")


@login_required
@require_POST
def revoke_feed(request, pk):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    revoke_calendar_feed(feed=feed)
    messages.success(request, f"Calendar feed starting {feed.key_prefix} revoked.")
    return redirect(f"{reverse('pcc_portal:account')}#calendar-feeds")


class SignInView(LoginView):
    """Two-factor sign-in, with the email address checked for length and an account whose
    sign-in is slowed down (account_limits.py) refused before its password is tried."""

    form_list = ((LoginView.AUTH_STEP, SignInForm), *LoginView.form_list[1:])

    def get_prefix(self, request, *args, **kwargs):
        # The wizard names its fields after the view class; keep the two-factor app's names.
        return "login_view"

    def post(self, *args, **kwargs):
        username = self.request.POST.get(f"{self.AUTH_STEP}-username", "")
        wait = seconds_to_wait(username=username) if username else 0
        if wait:
            return too_many_requests(self.request, retry_after=wait)
        return super().post(*args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a link to reset a forgotten password: the same answer whether or not the
    address has an account."""

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("pcc_portal:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link. Proving the account is theirs ends any
    wait on its sign-in and any lockout of it."""

    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("pcc_portal:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        forget_wrong_passwords(user=form.user)
        reset_axes_lockouts(username=form.user.email.lower())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("pcc_portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@require_POST
def session_keepalive(request):
    """Called by the idle-timeout warning's "Stay signed in": saving the session extends it."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True
    return JsonResponse({"signed_in": True})


@never_cache
@require_GET
def healthz(request):
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
@cache_control(max_age=300)
def office_theme(request):
    """The office's colour as a CSS custom property, so a new colour needs no rebuild."""
    colour = OfficeProfile.objects.get_current().brand_colour or "#1d3557"
    return HttpResponse(f":root{{--office-brand:{colour}}}\n", content_type="text/css")


DECISIONS_PER_PAGE = 20


@require_GET
@cached_for_visitors(DECISIONS, query=("q", "page"))
def decision_list(request):
    """The decisions register: what the office has published, the latest first, searchable by
    the words of a title, summary or reference."""
    # PostgreSQL refuses a NUL byte anywhere in a query, and no decision's words hold one.
    words = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_VALUE]
    decisions = Decision.objects.public().matching(words).newest_first()
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pcc_portal/decision_list.html", {"page": page, "words": words})


@require_GET
@cached_for_visitors(DECISIONS)
def decision_detail(request, slug):
    # Staff see a decision that is not yet public in the admin; here it is not there for anyone.
    decision = get_object_or_404(Decision.objects.public(), slug=slug)
    return render(request, "pcc_portal/decision_detail.html", {"decision": decision})
