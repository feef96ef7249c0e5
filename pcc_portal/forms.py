from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms


class BaseForm(forms.Form):
    """A form rendered the GOV.UK way: crispy-forms-gds helper, error summary, one button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class DeviceTokenForm(BaseForm):
    submit_label = "Issue token"

    name = forms.CharField(
        label="Device name",
        help_text="So you can tell your tokens apart, for example Work phone",
        max_length=100,
        error_messages={"required": "Enter a name for the device, such as Work phone"},
    )
