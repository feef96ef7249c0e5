"""The themes of a consultation's free-text answers: naming, renaming and removing them, and
tagging answers with them from the text answers page. Every page works without JavaScript; the
rules are the services' (consultations/themes.py), asked again here only to decide what to show.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from engagement.forms import add_service_errors
from engagement.views.access import rule_required
from pcc_portal.limits import limit_text

from . import themes as services
from .models import Answer, Consultation, Question, Theme
from .results import TEXT
from .rules import TAG_ANSWERS

APPLY, REMOVE = "apply", "remove"
SELECT_ANSWERS = "Select at least one answer"
CHOOSE_THEME = "Select a theme"


# --- Forms ------------------------------------------------------------------------------------


class ThemeForm(forms.Form):
    """A theme's name, for adding one or renaming it."""

    name = forms.CharField(
        label="Name of the theme",
        help_text="A word or two, for example Speeding or Police visibility",
        max_length=Theme._meta.get_field("name").max_length,
        error_messages={"required": services.NAME_MISSING},
    )
    # Where to go back to: the text answers page the theme was added from.
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, submit_label: str, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self.fields["name"], "name of the theme")
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            Field.text("name", label_size=Size.SMALL, field_width=Fluid.ONE_HALF),
            "next",
            Submit("save", submit_label),
        )


class TagForm(forms.Form):
    """Answers chosen by their checkboxes, the theme to add to or take off them, and which."""

    answers = forms.ModelMultipleChoiceField(
        queryset=Answer.objects.none(),
        error_messages={
            "required": SELECT_ANSWERS,
            "invalid_choice": SELECT_ANSWERS,
            "invalid_pk_value": SELECT_ANSWERS,
        },
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label="Theme",
        error_messages={"required": CHOOSE_THEME, "invalid_choice": CHOOSE_THEME},
    )
    action = forms.ChoiceField(choices=[(APPLY, "Add the theme"), (REMOVE, "Take the theme off")])

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = question.answers.exclude(text="")
        self.fields["theme"].queryset = question.consultation.themes.all()

    @property
    def selected(self) -> set[str]:
        """The answers ticked, as sent, so a page shown again with an error keeps them ticked."""
        return {str(value) for value in (self["answers"].value() or [])}

    @property
    def chosen_theme(self) -> str:
        return str(self["theme"].value() or "")


# --- The text answers page's part -------------------------------------------------------------


def tagging(request: HttpRequest, question: Question) -> tuple[TagForm | None, HttpResponse | None]:
    """The text answers page's tagging form for someone who may tag, else None, and on a
    POST that tagged or untagged the answers, the redirect back to the page (as it was filtered
    and paged). A POST from someone who may not tag is refused."""
    if not request.user.has_perm(TAG_ANSWERS, question.consultation):
        if request.method == "POST":
            raise PermissionDenied
        return None, None
    if request.method != "POST":
        return TagForm(question=question), None
    form = TagForm(request.POST, question=question)
    if not form.is_valid():
        return form, None
    answers, theme = form.cleaned_data["answers"], form.cleaned_data["theme"]
    try:
        if form.cleaned_data["action"] == APPLY:
            services.tag_answers(answers=answers, themes=[theme], by=request.user)
            done = f"“{theme.name}” added to {_answers(len(answers))}."
        else:
            services.untag_answers(answers=answers, themes=[theme], by=request.user)
            done = f"“{theme.name}” taken off {_answers(len(answers))}."
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None
    messages.success(request, done)
    return form, redirect(request.get_full_path())


def _answers(n: int) -> str:
    return f"{n} answer{'s' if n != 1 else ''}"


def themes_of(question: Question) -> list[Theme]:
    """The consultation's themes, each with how many answers to this question carry it."""
    return list(
        question.consultation.themes.annotate(
            tagged=Count("answers", filter=Q(answers__question=question))
        ).order_by("name")
    )


# --- The themes pages -------------------------------------------------------------------------


def _consultation_for(request, pk) -> Consultation:
    consultation = get_object_or_404(Consultation, pk=pk)
    if not request.user.has_perm(TAG_ANSWERS, consultation):
        raise PermissionDenied
    return consultation


def _back(request, consultation: Consultation, wanted: str) -> str:
    """Where to go after saving: the page the person came from when it is one of ours,
    else the consultation's themes."""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("consultations_staff:themes", args=[consultation.pk])


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(TAG_ANSWERS)
def theme_list(request, pk):
    """The consultation's themes with how many answers each tags, and a form to add one."""
    consultation = _consultation_for(request, pk)
    action = reverse("consultations_staff:themes", args=[consultation.pk])
    if request.method == "POST":
        form = ThemeForm(request.POST, submit_label="Add theme", action=action)
        if form.is_valid():
            try:
                theme = services.add_theme(
                    consultation=consultation, name=form.cleaned_data["name"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Theme “{theme.name}” added.")
                return redirect(_back(request, consultation, form.cleaned_data["next"]))
    else:
        form = ThemeForm(
            initial={"next": request.GET.get("next", "")}, submit_label="Add theme", action=action
        )
    themes = consultation.themes.annotate(tagged=Count("answers")).order_by("name")
    questions = consultation.questions.filter(kind__in=TEXT).order_by("position", "id")
    return render(
        request,
        "consultations/staff/themes.html",
        {
            "consultation": consultation,
            "themes": themes,
            "questions": questions,
            "form": form,
            "back": _back(request, consultation, form["next"].value() or ""),
        },
        status=400 if form.errors else 200,
    )


def _theme_for(request, pk, theme_pk) -> Theme:
    consultation = _consultation_for(request, pk)
    theme = get_object_or_404(Theme, pk=theme_pk, consultation=consultation)
    theme.consultation = consultation
    return theme


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(TAG_ANSWERS)
def theme_change(request, pk, theme_pk):
    """Rename a theme; the answers it tags keep it."""
    theme = _theme_for(request, pk, theme_pk)
    action = reverse("consultations_staff:theme_change", args=[pk, theme.pk])
    if request.method == "POST":
        form = ThemeForm(request.POST, submit_label="Save", action=action)
        if form.is_valid():
            try:
                services.rename_theme(theme=theme, name=form.cleaned_data["name"], by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Theme renamed “{form.cleaned_data['name']}”.")
                return redirect(_back(request, theme.consultation, form.cleaned_data["next"]))
    else:
        form = ThemeForm(
            initial={"name": theme.name, "next": request.GET.get("next", "")},
            submit_label="Save",
            action=action,
        )
    return render(
        request,
        "consultations/staff/theme_change.html",
        {
            "consultation": theme.consultation,
            "theme": theme,
            "form": form,
            "back": _back(request, theme.consultation, form["next"].value() or ""),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(TAG_ANSWERS)
def theme_remove(request, pk, theme_pk):
    """Ask, then remove a theme; the answers stay."""
    theme = _theme_for(request, pk, theme_pk)
    if request.method == "POST":
        services.remove_theme(theme=theme, by=request.user)
        messages.success(request, f"Theme “{theme.name}” removed.")
        return redirect("consultations_staff:themes", pk=theme.consultation.pk)
    return render(
        request,
        "consultations/staff/theme_remove.html",
        {
            "consultation": theme.consultation,
            "theme": theme,
            "tagged": theme.answers.count(),
        },
    )
