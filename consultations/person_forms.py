"""The form of the subject access and erasure pages: one email address."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.urls import reverse_lazy

from .models import Response

BAD_EMAIL = "Enter an email address in the correct format, like name@example.com"


class PersonForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address the person gave when they responded. Capitals do not matter.",
        max_length=Response._meta.get_field("email").max_length,
        error_messages={
            "required": "Enter the person's email address",
            "invalid": BAD_EMAIL,
            "max_length": BAD_EMAIL,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The download and erase pages show this form again when the address is wrong.
        self.helper.form_action = reverse_lazy("consultations_staff:people")
        self.helper.layout = Layout(
            Field.text("email", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Submit("find", "Find their responses"),
        )
