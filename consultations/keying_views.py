"""Responses that did not come through the website: staff key in what reached us on paper, by
email, at a meeting or by phone, and the public print a paper copy to fill in and post back.

The paper copy numbers and words its questions and answers as the online form does, so what
comes back by post is keyed in on a form that reads the same. Both end with the optional "About
you" section when the consultation asks it, and the answers keyed in from it are stored apart,
as the website's are.
"""

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from engagement.views.access import rule_required
from pcc_portal.public_cache import cached_for_visitors, remember

from .answering import field_name, submit_response
from .equality import CHARACTERISTICS
from .equality_forms import INTRODUCTION, LEGEND, add_equality_section, equality_answers
from .equality_forms import field_name as about_you_field
from .forms import ResponseForm
from .models import Consultation, Question, Response
from .plan import in_words
from .rules import BUILD_CONSULTATIONS
from .signals import CONSULTATIONS

HOW_IT_REACHED_US = "How did it reach us?"
SELECT_CHANNEL = "Select how the response reached us"
SAVED = "Response saved. The form below is ready for the next one."
# A web response arrives by itself: keying one in would count it twice.
KEYED_IN_CHANNELS = [
    (value, label) for value, label in Response.Channel.choices if value != Response.Channel.ONLINE
]


class KeyInForm(ResponseForm):
    """The public's form with the way the response reached us asked first, and the "About you"
    section last when the consultation asks it."""

    def __init__(self, consultation: Consultation, *args, **kwargs):
        super().__init__(consultation, *args, **kwargs)
        channel = forms.ChoiceField(
            label=HOW_IT_REACHED_US,
            choices=KEYED_IN_CHANNELS,
            widget=forms.RadioSelect,
            error_messages={"required": SELECT_CHANNEL, "invalid_choice": SELECT_CHANNEL},
        )
        # First in the fields as on the page, so the error summary lists it first.
        self.fields = {"channel": channel, **self.fields}
        layout = self.helper.layout.fields
        layout.insert(0, Field.radios("channel", legend_size=Size.MEDIUM))
        layout[-1] = Submit("save", "Save response")
        if consultation.asks_equality:
            add_equality_section(self)

    def submission(self) -> dict:
        return {
            **super().submission(),
            "channel": self.cleaned_data["channel"],
            "equality": equality_answers(self),
        }


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(BUILD_CONSULTATIONS)
def key_in_response(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk)
    if not request.user.has_perm(BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied
    phase = consultation.phase(timezone.now())
    takes_responses = phase in (Consultation.Phase.OPEN, Consultation.Phase.CLOSED)
    status = 200
    if request.method == "POST" and takes_responses:
        form = KeyInForm(consultation, data=request.POST)
        if form.is_valid():
            try:
                submit_response(
                    consultation=consultation, keyed_in_by=request.user, **form.submission()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                # Clicked twice, the same form's token finds the response stored the first time.
                messages.success(request, SAVED)
                return redirect("consultations_staff:key_in", pk=consultation.pk)
        status = 400
    else:
        form = KeyInForm(consultation)
    return render(
        request,
        "consultations/staff/key_in.html",
        {
            "consultation": consultation,
            "form": form if takes_responses else None,
            "phase": phase,
            "opens": in_words(consultation.opens_at),
        },
        status=status,
    )


# --- The paper copy ---------------------------------------------------------------------------

# Ruled lines to write on, by the kind of answer asked for.
LINES = {
    Question.Kind.SHORT_TEXT: 2,
    Question.Kind.LONG_TEXT: 8,
    Question.Kind.NUMBER: 1,
    Question.Kind.EMAIL: 1,
}
TICK_ONE = "Tick one"
TICK_ANY = "Tick all that apply"


def _choices(field) -> list[dict]:
    """The field's choices as groups of labels: a group without a heading for plain choices,
    and one per policing area for where someone lives. The select's "Select..." prompt is not
    something to tick."""
    groups: list[dict] = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):
            groups.append({"heading": value, "labels": [name for _code, name in label]})
        elif value != "":
            if not groups or groups[-1]["heading"]:
                groups.append({"heading": "", "labels": []})
            groups[-1]["labels"].append(label)
    return groups


def paper_questions(form: ResponseForm) -> list[dict]:
    """The form's questions as they are printed: number, wording, hint, boxes and lines."""
    printed = []
    for question in form.questions:
        field = form.fields[field_name(question)]
        choices = _choices(field)
        kind = question.kind
        printed.append(
            {
                "number": form.numbers[question.pk],
                "text": question.text,
                "hint": field.help_text,
                "choices": choices,
                "tick": (TICK_ANY if kind == Question.Kind.MULTIPLE_CHOICE else TICK_ONE)
                if choices
                else "",
                "lines": range(LINES.get(kind, 0)),
                "organisation": kind == Question.Kind.RESPONDENT_TYPE,
                "feedback": kind == Question.Kind.EMAIL,
            }
        )
    return printed


def paper_about_you(form: ResponseForm) -> list[dict]:
    """The "About you" section's questions as printed, worded and offered as on the form they
    were added to (add_equality_section), "Prefer not to say" included. Unnumbered: the
    section is not one of the consultation's questions, and keying in reads it by name."""
    printed = []
    for characteristic in CHARACTERISTICS:
        field = form.fields.get(about_you_field(characteristic.field))
        if field is None:
            # No groups reached listed: the form leaves that question out too.
            continue
        printed.append(
            {
                "text": field.label,
                "choices": _choices(field),
                "tick": TICK_ANY if characteristic.choices is None else TICK_ONE,
            }
        )
    return printed


@require_GET
@cached_for_visitors(CONSULTATIONS)
def consultation_print(request, slug):
    """A published consultation, open or closed, laid out to print and post back. A draft or a
    consultation not yet open has none: its questions may still change."""
    consultation = remember(
        f"consultation:{slug}",
        [CONSULTATIONS],
        lambda: Consultation.objects.filter(slug=slug).first(),
    )
    if consultation is None or consultation.status != Consultation.Status.PUBLISHED:
        raise Http404
    phase = consultation.phase(timezone.now())
    if phase not in (Consultation.Phase.OPEN, Consultation.Phase.CLOSED):
        raise Http404
    form = ResponseForm(consultation)
    about_you = []
    if consultation.asks_equality:
        add_equality_section(form)
        about_you = paper_about_you(form)
    return render(
        request,
        "consultations/print.html",
        {
            "consultation": consultation,
            "phase": phase,
            "questions": paper_questions(form),
            "about_you": about_you,
            "about_you_legend": LEGEND,
            # The form's own paragraphs, written in code: nothing in them comes from anyone.
            "about_you_introduction": mark_safe(INTRODUCTION),  # noqa: S308
            "opens": in_words(consultation.opens_at),
            "closes": in_words(consultation.closes_at),
        },
    )
