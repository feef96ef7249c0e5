from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator

from .password_reset import send_password_reset

# An email address is at most 254 characters (RFC 5321); django-axes keeps what was typed in a
# 255-character column, so a longer one is refused before it is tried.
USERNAME_MAX_LENGTH = 254
USERNAME_TOO_LONG = "Email address must be 254 characters or fewer"
CHOOSING_HINT = (
    "At least 12 characters, with at least 5 different ones. A few words together are easy "
    "to remember and hard to guess."
)


def govuk_helper(form: forms.Form, submit_label: str) -> FormHelper:
    """The crispy-forms-gds helper every page form uses: small labels, one button."""
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.layout = Layout(*form.fields, Submit("submit", submit_label))
    return helper


class BaseForm(forms.Form):
    """A form rendered the GOV.UK way: crispy-forms-gds helper, error summary, one button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(self, self.submit_label)


class DeviceTokenForm(BaseForm):
    submit_label = "Issue token"

    name = forms.CharField(
        label="Device name",
        help_text="So you can tell your tokens apart, for example Work phone",
        max_length=100,
        error_messages={"required": "Enter a name for the device, such as Work phone"},
    )


class SignInForm(AuthenticationForm):
    """The first step of signing in: email address and password, in GOV.UK words."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Contact the office if you need it again",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address"
        username.max_length = USERNAME_MAX_LENGTH
        username.widget.attrs["maxlength"] = USERNAME_MAX_LENGTH
        username.validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH, USERNAME_TOO_LONG))
        username.error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


def _new_password_fields(form: forms.Form) -> None:
    first, second = form.fields["new_password1"], form.fields["new_password2"]
    first.label, first.help_text = "New password", CHOOSING_HINT
    first.error_messages["required"] = "Enter a new password"
    second.label, second.help_text = "Confirm new password", ""
    second.error_messages["required"] = "Enter the new password again"


class NewPasswordForm(SetPasswordForm):
    """Choosing a new password from a reset link."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        _new_password_fields(self)
        self.helper = govuk_helper(self, "Save new password")

    def clean(self):
        # The password's own faults are told next to the password, not its confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class ChangePasswordForm(PasswordChangeForm):
    """Changing the password of the person signed in."""

    error_messages = {
        "password_mismatch": "The passwords do not match",
        "password_incorrect": "Your current password is not right. Enter it again",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        current = self.fields["old_password"]
        current.label = "Current password"
        current.error_messages["required"] = "Enter your current password"
        _new_password_fields(self)
        self.helper = govuk_helper(self, "Change password")

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class ResetRequestForm(PasswordResetForm):
    """Asking for a reset link. Whether the address has an account is never told: every request
    gets the same answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The address you sign in with"
        email.error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "max_length": USERNAME_TOO_LONG,
            }
        )
        self.helper = govuk_helper(self, "Send the link")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Every email goes through the portal's one send service; the link is built there, on
        # SITE_URL, or on the address this request came to when that is not set.
        send_password_reset(
            user=context["user"], request_base_url=f"{context['protocol']}://{context['domain']}"
        )
