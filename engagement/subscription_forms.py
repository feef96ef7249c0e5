"""Forms of the distribution lists: the public sign-up, a person met in the field, the end of a
consultation and the staff's CSV import. They turn input into values; the rules live in
subscriptions.py."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from pcc_portal.models import PolicingArea

from .newsletter_models import DistributionList, LawfulBasis

EMAIL_REQUIRED = "Enter your email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Email address must be 254 characters or fewer"
NAME_TOO_LONG = "Name must be 150 characters or fewer"
LISTS_REQUIRED = "Select at least one list"
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _email_field(label: str, required_message: str = EMAIL_REQUIRED, **kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        error_messages={
            "required": required_message,
            "invalid": EMAIL_INVALID,
            "max_length": EMAIL_TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


class ListChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _lists_field(queryset, label: str, help_text: str = "") -> ListChoiceField:
    return ListChoiceField(
        label=label,
        help_text=help_text,
        queryset=queryset,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": LISTS_REQUIRED},
    )


class SubscribeForm(forms.Form):
    """The public sign-up page: no account, a confirmation email follows."""

    lists = _lists_field(
        DistributionList.objects.none(), "What would you like to receive?", "Select all that apply"
    )
    email = _email_field("Email address")
    name = forms.CharField(
        label="Your name (optional)",
        max_length=150,
        required=False,
        error_messages={"max_length": NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    policing_area = forms.ModelChoiceField(
        label="Which policing area do you live in? (optional)",
        help_text="So we can tell you about what happens near you",
        queryset=PolicingArea.objects.all(),
        required=False,
        empty_label="Prefer not to say",
    )

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = (
            lists if lists is not None else DistributionList.objects.public()
        )
        self.helper = FormHelper()
        # GOV.UK forms check on the server and say what is wrong in their own words.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.checkboxes("lists", legend_size=Size.SMALL),
            Field.text("email"),
            Field.text("name"),
            Field.select("policing_area"),
            Submit("submit", "Subscribe"),
        )


class FieldSubscribeForm(forms.Form):
    """An ambassador or officer adds a person they met, with that person's agreement."""

    email = _email_field("Their email address", "Enter the person's email address")
    name = forms.CharField(
        label="Their name (optional)",
        max_length=150,
        required=False,
        error_messages={"max_length": NAME_TOO_LONG},
    )
    lists = _lists_field(DistributionList.objects.none(), "Which lists did they ask for?")
    consent = forms.BooleanField(
        label="I read the statement above to the person and they agreed",
        error_messages={"required": "Confirm that the person agreed to receive these emails"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = DistributionList.objects.all()
        self.helper = FormHelper()
        # GOV.UK forms check on the server and say what is wrong in their own words.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email"),
            Field.text("name"),
            Field.checkboxes("lists", legend_size=Size.SMALL, small=True),
            Field.checkbox("consent", small=True),
            Submit("submit", "Add and send the confirmation email"),
        )


class ConsultationOptInForm(forms.Form):
    """At the end of a consultation: "tell me about future consultations"."""

    email = _email_field("Email address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # GOV.UK forms check on the server and say what is wrong in their own words.
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("email"))


class ImportForm(forms.Form):
    """Staff import a CSV file of existing contacts into an internal list."""

    file = forms.FileField(
        label="CSV file",
        help_text='A column headed "email" and, if you have them, one headed "name"',
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for holding these addresses",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for holding these addresses"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # GOV.UK forms check on the server and say what is wrong in their own words.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("file"),
            Field.radios("lawful_basis", legend_size=Size.SMALL, small=True),
            Submit("submit", "Import contacts"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file")
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload
