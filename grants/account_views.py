"""An applicant's account: registering, confirming the email address, and asking for the link
again. Signing in is the portal's own (two_factor:login); an applicant then lands on their
applications (registered in apps.py)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from engagement.forms import add_service_errors
from pcc_portal.client_ip import client_fingerprint
from pcc_portal.errors import too_many_requests
from pcc_portal.forms import CHOOSING_HINT, USERNAME_MAX_LENGTH, USERNAME_TOO_LONG
from pcc_portal.limits import limit_text

from .accounts import (
    EMAIL_FORMAT,
    EMAIL_REQUIRED,
    LINK_LIFETIME,
    NAME_REQUIRED,
    awaiting_verification,
    register_applicant,
    registration_wait,
    send_verification,
    verify_applicant,
)

PASSWORD_REQUIRED = "Enter a password"  # noqa: S105  (a message, not a password)
PASSWORD_AGAIN_REQUIRED = "Enter the password again"  # noqa: S105
PASSWORDS_DIFFER = "The passwords do not match"
NAME_MAX_LENGTH = 150
# Long enough for any pass phrase; the hasher is not handed a megabyte.
PASSWORD_MAX_LENGTH = 200


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": NAME_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will email you a link to confirm it. You sign in with this address.",
        max_length=USERNAME_MAX_LENGTH,
        error_messages={
            "required": EMAIL_REQUIRED,
            "invalid": EMAIL_FORMAT,
            "max_length": USERNAME_TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Create a password",
        help_text=CHOOSING_HINT,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        error_messages={"required": PASSWORD_REQUIRED},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Confirm your password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        error_messages={"required": PASSWORD_AGAIN_REQUIRED},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["full_name"], "Full name")
        limit_text(self.fields["password"], "Password")
        limit_text(self.fields["password_again"], "Password")
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("full_name"),
            Field.text("email"),
            Field.text("password"),
            Field.text("password_again"),
            Submit("register", "Create account"),
        )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", PASSWORDS_DIFFER)
        return cleaned


@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("grants:application_list")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wait = registration_wait(email=data["email"], client_key=client_fingerprint(request).hex())
        if wait:
            return too_many_requests(request, retry_after=wait)
        try:
            register_applicant(
                email=data["email"], full_name=data["full_name"], password=data["password"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("grants:registered")
    return render(
        request,
        "grants/public/account/register.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _lifetime() -> str:
    days = LINK_LIFETIME.days
    return f"{days} day{'s' if days != 1 else ''}"


@require_http_methods(["GET", "HEAD"])
def registered(request):
    """The same page whether or not the address already had an account."""
    return render(request, "grants/public/account/check_email.html", {"lifetime": _lifetime()})


@require_http_methods(["GET", "HEAD"])
def verify(request, token):
    # Opening the link is the proof: a mail server that opens it first to scan it only proves
    # the email reached the address it was sent to.
    try:
        verification = verify_applicant(token=token)
    except ValidationError as error:
        return render(
            request,
            "grants/public/account/link_failed.html",
            {"expired": error.code == "expired", "lifetime": _lifetime()},
            status=400,
        )
    return render(
        request,
        "grants/public/account/verified.html",
        {"newly_verified": verification.newly_verified},
    )


def confirm_email_first(request):
    """What a signed-in person whose address is not yet confirmed sees instead of the
    applicant's pages."""
    return render(
        request,
        "grants/public/account/confirm_email.html",
        {"lifetime": _lifetime()},
        status=403,
    )


@login_required
@require_POST
def send_link_again(request):
    if not awaiting_verification(request.user):
        return redirect("grants:application_list")
    send_verification(user=request.user)
    return redirect("grants:registered")
