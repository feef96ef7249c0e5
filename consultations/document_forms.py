"""The forms of a consultation's documents page: adding a document, and moving one up or down.

The file itself is checked by the service that stores it (consultations/documents.py), with the
checks every upload passes; what they refuse is shown beside the file field.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from pcc_portal.limits import limit_text

from .documents import DOWN, UP
from .models import ConsultationDocument

TITLE_MAX_LENGTH = ConsultationDocument._meta.get_field("title").max_length
# Leaves room in the file field's 255 characters for the folder the file is stored in.
FILE_NAME_MAX_LENGTH = 200
SELECT_FILE = "Select the document to add"
EMPTY_FILE = "The selected file is empty"
NAME_TOO_LONG = f"The file's name must be {FILE_NAME_MAX_LENGTH} characters or fewer"


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="As people will see it, for example: Draft police and crime plan 2026 to 2029",
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": "Enter the document's title"},
    )
    file = forms.FileField(
        label="File",
        help_text="A PDF, Word (DOC or DOCX) or OpenDocument text (ODT) file, at most 20 MB",
        max_length=FILE_NAME_MAX_LENGTH,
        allow_empty_file=False,
        error_messages={
            "required": SELECT_FILE,
            "missing": SELECT_FILE,
            "invalid": SELECT_FILE,
            "empty": EMPTY_FILE,
            "max_length": NAME_TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["title"], "Title")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field("file", context={"label_size": Size.for_label(Size.SMALL)}),
            Submit("add", "Add document"),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Show what the service refused beside the field it names; the rest at the top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            if name == NON_FIELD_ERRORS or name not in self.fields:
                self.add_error(None, messages)
            elif name not in self.errors:
                self.add_error(name, messages)


class MoveForm(forms.Form):
    """One of the consultation's documents, and which way it goes."""

    document = forms.ModelChoiceField(queryset=ConsultationDocument.objects.none())
    move = forms.ChoiceField(choices=[(UP, "Up"), (DOWN, "Down")])

    def __init__(self, consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = consultation.documents.all()
