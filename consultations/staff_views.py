"""The staff pages of consultations: the list, a consultation's results, its text answers and
the exports of its raw answers. Each door asks one rule of consultations/rules.py."""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagement.filters import ANY, FilterPanelMixin
from engagement.views.access import rule_required
from pcc_portal.models import PolicingArea

from . import equality, exports, theme_views, workflow
from .models import Consultation, EqualityAccess, Question, Response, Theme
from .results import TEXT, Selection, consultation_results, text_answers
from .rules import BUILD_CONSULTATIONS, EXPORT_RESPONSES, SEE_RESPONDENT_EMAILS, SEE_RESULTS

TEXT_ANSWERS_PER_PAGE = 25
INCLUDE = "include"


class ResultsFilter(FilterPanelMixin, django_filters.FilterSet):
    """The filter panel of the results: fixed splits only. It filters nothing itself; the
    figures are worked out from its choices by consultations/results.py."""

    policing_area = django_filters.ModelChoiceFilter(
        queryset=PolicingArea.objects.all(),
        label="Policing area",
        to_field_name="slug",
        empty_label=ANY,
    )
    respondent_type = django_filters.ChoiceFilter(
        choices=Response.RespondentType.choices, label="Who is responding", empty_label=ANY
    )
    channel = django_filters.ChoiceFilter(
        choices=Response.Channel.choices, label="How it reached us", empty_label=ANY
    )
    suspect = django_filters.ChoiceFilter(
        choices=[(INCLUDE, "Counted")],
        label="Suspect responses",
        empty_label="Left out",
    )

    class Meta:
        model = Response
        fields = []

    def selection(self) -> Selection | None:
        """The choices as a Selection; None when one of them is not a choice on offer."""
        if not self.is_valid():
            return None
        data = self.form.cleaned_data
        return Selection(
            policing_area=data.get("policing_area"),
            respondent_type=data.get("respondent_type") or "",
            channel=data.get("channel") or "",
            with_suspect=data.get("suspect") == INCLUDE,
        )


class TextAnswerFilter(ResultsFilter):
    search = django_filters.CharFilter(label="Words in the answer", method="_not_here")
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.none(), label="Theme", empty_label=ANY, method="_not_here"
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["theme"].queryset = consultation.themes.all()

    def _not_here(self, queryset, name, value):
        return queryset


def _filters(request, filter_class=ResultsFilter):
    return filter_class(request.GET, queryset=Response.objects.none())


def _phase_label(consultation: Consultation, now=None) -> str:
    phase = consultation.phase(now)
    return Consultation.Phase(phase).label if phase else ""


@require_GET
@rule_required(SEE_RESULTS)
def consultation_list(request):
    now = timezone.now()
    consultations = list(
        Consultation.objects.annotate(
            response_count=Count("responses"),
            suspect_count=Count("responses", filter=Q(responses__suspect=True)),
        ).order_by("-opens_at", "title")
    )
    overdue = set(Consultation.objects.feedback_overdue(now).values_list("pk", flat=True))
    for consultation in consultations:
        consultation.state = workflow.STATES.get(consultation.status)
        consultation.phase_label = _phase_label(consultation, now)
        consultation.feedback_overdue = consultation.pk in overdue
    return render(
        request, "consultations/staff/list.html", {"consultations": consultations, "now": now}
    )


@require_GET
@rule_required(SEE_RESULTS)
def consultation_results_page(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk)
    filters = _filters(request)
    selection = filters.selection()
    results = (
        consultation_results(consultation=consultation, selection=selection)
        if selection is not None
        else None
    )
    query = request.GET.copy()
    query.pop("suspect", None)
    return render(
        request,
        "consultations/staff/results.html",
        {
            "consultation": consultation,
            "state": workflow.STATES.get(consultation.status),
            "phase_label": _phase_label(consultation),
            "filters": filters,
            "results": results,
            "query": request.GET.urlencode(),
            "export_query": query.urlencode(),
            "can_export": request.user.has_perm(EXPORT_RESPONSES),
            "can_key_in": request.user.has_perm(BUILD_CONSULTATIONS, consultation),
        },
        status=200 if results is not None else 400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rule_required(SEE_RESULTS)
def text_answer_list(request, pk, question_pk):
    """The answers to a free-text question; those who may tag them with themes tick answers and
    add or take off a theme in one POST."""
    question = get_object_or_404(
        Question.objects.select_related("consultation"),
        pk=question_pk,
        consultation_id=pk,
        kind__in=TEXT,
    )
    tag_form, tagged = theme_views.tagging(request, question)
    if tagged is not None:
        return tagged
    filters = TextAnswerFilter(
        request.GET, queryset=Response.objects.none(), consultation=question.consultation
    )
    selection = filters.selection()
    search, theme, page = "", None, None
    if selection is not None:
        search = filters.form.cleaned_data.get("search") or ""
        theme = filters.form.cleaned_data.get("theme")
        answers = text_answers(question=question, selection=selection, search=search, theme=theme)
        page = Paginator(answers, TEXT_ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    results_query = request.GET.copy()
    for name in ("search", "theme", "page"):
        results_query.pop(name, None)
    return render(
        request,
        "consultations/staff/text_answers.html",
        {
            "consultation": question.consultation,
            "question": question,
            "filters": filters,
            "search": search,
            "page": page,
            "results_query": results_query.urlencode(),
            "theme": theme,
            "themes": theme_views.themes_of(question),
            "tag_form": tag_form,
        },
        status=200 if selection is not None and not (tag_form and tag_form.errors) else 400,
    )


def _export_rows(request, consultation):
    """Every response, suspect ones included and marked, unless the panel's choices narrow it."""
    filters = _filters(request)
    selection = filters.selection() or Selection()
    selection = Selection(
        policing_area=selection.policing_area,
        respondent_type=selection.respondent_type,
        channel=selection.channel,
        with_suspect=True,
    )
    return exports.response_rows(
        consultation=consultation,
        selection=selection,
        include_emails=request.user.has_perm(SEE_RESPONDENT_EMAILS),
    )


@require_GET
@rule_required(EXPORT_RESPONSES)
def export_csv(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk)
    response = StreamingHttpResponse(
        exports.csv_lines(_export_rows(request, consultation)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(consultation, "csv")}"'
    )
    return response


@require_GET
@rule_required(EXPORT_RESPONSES)
def export_xlsx(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk)
    workbook = exports.write_xlsx(_export_rows(request, consultation))
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=exports.filename(consultation, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@rule_required(SEE_RESULTS)
def equality_tables_page(request, pk):
    """The fixed equality tables: each characteristic by policing area and in total, small
    groups hidden. The results page's filters do not reach them: a free combination of filters
    could narrow a group down to one person."""
    consultation = get_object_or_404(Consultation, pk=pk)
    return render(
        request,
        "consultations/staff/equality.html",
        {
            "consultation": consultation,
            "tables": equality.equality_tables(consultation, include_suspect=False),
            "group_size": equality.GROUP_SIZE,
            "can_export_raw": request.user.has_perm(equality.EXPORT_RAW),
        },
    )


@require_GET
@rule_required(SEE_RESULTS)
def export_equality_csv(request, pk):
    """The raw equality answers, for people named in the admin only; each export is logged."""
    consultation = get_object_or_404(Consultation, pk=pk)
    answers = equality.raw_equality_answers(
        consultation=consultation, by=request.user, action=EqualityAccess.Action.EXPORTED
    )
    response = StreamingHttpResponse(
        exports.csv_lines(equality.raw_answer_rows(answers)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"{consultation.slug}-equality-answers-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
