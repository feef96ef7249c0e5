"""An applicant's own pages: starting an application to an open round, their applications, the
application form as a task list of sections each saved on its own, "Check your answers" with the
declaration, and the confirmation.

Every rule is the applying services' (grants/applying.py): who may change a draft, what a draft
may hold, when a budget adds up, when a round takes applications, and that sending twice makes
one submission. These views show the form, hand over what was typed, and show what the services
say beside the fields it is about, keeping everything typed.
"""

import uuid
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from engagement.forms import add_service_errors
from pcc_portal.public_cache import cached_for_visitors
from pcc_portal.templatetags.portal import summary_errors

from . import rules, services
from .account_views import confirm_email_first
from .accounts import awaiting_verification
from .application_forms import (
    AREAS_AND_DATES,
    ATTACHMENTS,
    BUDGET,
    BUDGET_ROWS,
    CONSORTIUM,
    CONSORTIUM_ROWS,
    CONTACT,
    FUNDING_AND_OUTCOMES,
    ORGANISATION,
    PROJECT,
    QUESTIONS,
    SAFEGUARDING,
    SECTION_FORMS,
    AttachmentForm,
    BudgetForm,
    DeclarationForm,
    Rows,
    Section,
    filled_rows,
    section_of,
    sections_for,
)
from .models import Application, GrantRound
from .public_views import day_in_words, moment_in_words, money
from .signals import ROUNDS
from .workflow import ApplicationStatus

START_KEY_SECONDS = 3600
# The reason for an outcome is told to the applicant in these states.
REASON_SHOWN = (
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.DECLINED,
    ApplicationStatus.WITHDRAWN,
)
NOT_ANSWERED = "Not answered"


def applicant_required(view):
    """Open the view to a person with an applicant's account (rule grants.apply). Someone not
    signed in is sent to sign in; someone who has not yet confirmed their email address is told
    to; anyone else is refused (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(rules.APPLY):
            if awaiting_verification(request.user):
                return confirm_email_first(request)
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.rule = rules.APPLY
    return wrapped


def _own(request, pk) -> Application:
    """The person's own application: another's is not found."""
    applications = (
        Application.objects.visible_to(request.user)
        .filter(applicant=request.user)
        .select_related("round__scheme", "activity_area")
    )
    return get_object_or_404(applications, pk=pk)


def _is_draft(application: Application) -> bool:
    return application.status == ApplicationStatus.DRAFT


def _error_links(forms) -> list[tuple[str, str]]:
    """(the id to link to, the message) of every error of these forms, in their order, for
    the GOV.UK error summary."""
    links = []
    for form in forms:
        visible = form.visible_fields()
        first = visible[0].auto_id if visible else "main-content"
        links += [(f"#{first}", error) for error in form.non_field_errors()]
        for bound_field in visible:
            for field_id, errors in summary_errors(bound_field):
                links += [(f"#{field_id}", error) for error in errors]
    return links


# --- Starting -----------------------------------------------------------------------------------


def _start_key_cache(user, key: str) -> str:
    return f"grants:started:{user.pk}:{key}"


def _valid_key(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (TypeError, ValueError, AttributeError):
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@cached_for_visitors(ROUNDS)
def start(request, slug):
    """Where "Start an application" leads: signing in or creating an account first, then the
    applicant's drafts to this round and a button to start another."""
    grant_round = get_object_or_404(
        GrantRound.objects.published().filter(scheme__is_public=True).select_related("scheme"),
        slug=slug,
    )
    now = timezone.now()
    context = {
        "round": grant_round,
        "accepts": grant_round.accepts_applications(now),
        "upcoming": now < grant_round.opens_at,
        "opens": moment_in_words(grant_round.opens_at),
        "closes": moment_in_words(grant_round.closes_at),
    }
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return render(request, "grants/apply/start_signed_out.html", context)
    if not request.user.has_perm(rules.APPLY):
        if awaiting_verification(request.user):
            return confirm_email_first(request)
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        key = _valid_key(request.POST.get("start_key", ""))
        # The same button pressed twice (a double click, a resent form) starts one draft.
        started = cache.get(_start_key_cache(request.user, key)) if key else None
        if started:
            return redirect("grants:application", pk=started)
        try:
            application = services.start_application(grant_round=grant_round, by=request.user)
        except ValidationError as error:
            context["error_links"] = [("#main-content", message) for message in error.messages]
            status = 400
        else:
            if key:
                cache.set(_start_key_cache(request.user, key), application.pk, START_KEY_SECONDS)
            return redirect("grants:application", pk=application.pk)
    context["drafts"] = (
        Application.objects.visible_to(request.user)
        .filter(applicant=request.user, round=grant_round, status=ApplicationStatus.DRAFT)
        .order_by("-updated_at")
    )
    context["start_key"] = uuid.uuid4()
    return render(request, "grants/apply/start.html", context, status=status)


# --- Your applications --------------------------------------------------------------------------


@applicant_required
@require_http_methods(["GET", "HEAD"])
def application_list(request):
    applications = (
        Application.objects.visible_to(request.user)
        .filter(applicant=request.user)
        .for_lists()
        .order_by("-updated_at", "-pk")
    )
    return render(request, "grants/apply/application_list.html", {"applications": applications})


# --- One application: the task list, or what was sent -------------------------------------------


@dataclass(frozen=True)
class Task:
    section: Section
    url: str
    status: str
    done: bool


def _started(application: Application, section: Section) -> bool:
    if section is ATTACHMENTS:
        return application.attachments.exists()
    if section is CONSORTIUM:
        return application.consortium_members.exists()
    if section is QUESTIONS:
        return application.answers.exclude(answer="").exists()
    if section is BUDGET:
        return application.amount_requested is not None or application.budget_lines.exists()
    if section is AREAS_AND_DATES and application.policing_areas.exists():
        return True
    return any(
        getattr(application, name, None) not in (None, "")
        for name in section.fields
        if name not in ("objectives", "policing_areas", "is_consortium")
    )


def _tasks(application: Application, sections, problems) -> list[Task]:
    tasks = []
    for section in sections:
        unfinished = any(section.owns(problem) for problem in problems)
        if not unfinished:
            status = "Completed"
        elif _started(application, section):
            status = "Incomplete"
        else:
            status = "Not yet started"
        tasks.append(
            Task(
                section,
                reverse("grants:section", args=[application.pk, section.key]),
                status,
                not unfinished,
            )
        )
    return tasks


def _sections(application: Application):
    has_questions = application.round is not None and application.round.questions.exists()
    return sections_for(application, has_questions=has_questions)


def _round_context(application: Application) -> dict:
    grant_round = application.round
    if grant_round is None:
        return {}
    now = timezone.now()
    return {
        "round": grant_round,
        "accepts": grant_round.accepts_applications(now),
        "closed": now >= grant_round.closes_at,
        "closes": moment_in_words(grant_round.closes_at),
        "decisions_by": day_in_words(grant_round.decisions_expected_on),
        "smallest": money(grant_round.minimum_award),
        "largest": money(grant_round.maximum_award),
    }


@applicant_required
@require_http_methods(["GET", "HEAD"])
def application_detail(request, pk):
    application = _own(request, pk)
    sections = _sections(application)
    context = {"application": application, **_round_context(application)}
    if _is_draft(application):
        problems = services.problems_before_submitting(application)
        tasks = _tasks(application, sections, problems)
        context.update(
            tasks=tasks, done=sum(task.done for task in tasks), check_url=_check_url(application)
        )
        return render(request, "grants/apply/task_list.html", context)
    context.update(
        summary=_summary(application, sections, changeable=False),
        reason=application.outcome_reason if application.status in REASON_SHOWN else "",
        sent_on=day_in_words(timezone.localdate(application.submitted_at))
        if application.submitted_at
        else "",
    )
    return render(request, "grants/apply/application_sent.html", context)


def _check_url(application: Application) -> str:
    return reverse("grants:check", args=[application.pk])


# --- The sections -------------------------------------------------------------------------------


def _section_page(request, application, section, *, status=200, **context):
    forms = [f for f in (context.get("form"),) if f is not None]
    formset = context.get("formset")
    if formset is not None:
        forms += list(formset.forms)
    error_links = _error_links(forms) if status >= 400 else []
    return render(
        request,
        f"grants/apply/section_{section.key.replace('-', '_')}.html"
        if section in (BUDGET, CONSORTIUM, ATTACHMENTS)
        else "grants/apply/section.html",
        {
            "application": application,
            "section": section,
            "error_links": error_links,
            "task_list_url": reverse("grants:application", args=[application.pk]),
            **_round_context(application),
            **context,
        },
        status=status,
    )


@applicant_required
@require_http_methods(["GET", "HEAD", "POST"])
def section(request, pk, section):
    application = _own(request, pk)
    if not _is_draft(application):
        return redirect("grants:application", pk=application.pk)
    current = next((s for s in _sections(application) if s.key == section), None)
    if current is None:
        raise Http404
    if current is BUDGET:
        return _rows_section(request, application, current, BUDGET_ROWS)
    if current is CONSORTIUM:
        return _rows_section(request, application, current, CONSORTIUM_ROWS)
    if current is ATTACHMENTS:
        return _attachments(request, application, current)
    form_class = SECTION_FORMS[current.key]
    if request.method == "POST":
        form = form_class(application, data=request.POST)
        if form.is_valid():
            try:
                form.save(by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("grants:application", pk=application.pk)
    else:
        form = form_class(application)
    return _section_page(
        request, application, current, form=form, status=400 if form.errors else 200
    )


def _rows_section(request, application, section, rows: Rows):
    """Budget lines (with the amount asked for) or consortium members: rows that are saved
    together, and "Add another" that draws one more row."""
    budget = rows is BUDGET_ROWS
    if request.method != "POST":
        head = BudgetForm(application) if budget else None
        formset = rows.unbound(application)
        return _section_page(request, application, section, form=head, formset=formset)
    if "add_row" in request.POST:
        head = (
            BudgetForm(
                application, initial={"amount_requested": request.POST.get("amount_requested", "")}
            )
            if budget
            else None
        )
        formset = rows.bound(request.POST, add=True)
        return _section_page(request, application, section, form=head, formset=formset)

    head = BudgetForm(application, data=request.POST) if budget else None
    formset = rows.bound(request.POST)
    valid = formset.is_valid()
    valid = (head.is_valid() if head is not None else True) and valid
    saved = valid and _save_rows(request, application, head, formset, rows)
    if saved and (not budget or _budget_adds_up(application, head, formset)):
        return redirect("grants:application", pk=application.pk)
    return _section_page(request, application, section, form=head, formset=formset, status=400)


def _save_rows(request, application, head, formset, rows: Rows) -> bool:
    filled = filled_rows(formset)
    try:
        # The amount and its lines are one answer: both are kept, or neither.
        with transaction.atomic():
            if rows is BUDGET_ROWS:
                services.save_draft(
                    application=application,
                    by=request.user,
                    values={"amount_requested": head.cleaned_data.get("amount_requested")},
                )
                services.set_budget_lines(
                    application=application, by=request.user, lines=[f.line() for f in filled]
                )
            else:
                services.set_consortium_members(
                    application=application, by=request.user, members=[f.member() for f in filled]
                )
    except ValidationError as error:
        if head is not None and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                if name in head.fields:
                    head.add_error(name, messages)
        rows.add_service_errors(formset, error)
        if not any(f.errors for f in formset.forms) and not (head and head.errors):
            formset.forms[0].add_error(None, error.messages)
        return False
    return True


def _budget_adds_up(application, head, formset) -> bool:
    """Asked once the budget is saved, so that the draft keeps it: a budget that does not add
    up is told at once, as the service words it, with everything as typed."""
    application.refresh_from_db()
    try:
        services.check_budget(application)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name in head.fields:
                head.add_error(name, messages)
            else:
                formset.forms[0].add_error("description", messages)
        return False
    return True


def _attachments(request, application, section):
    if request.method == "POST":
        form = AttachmentForm(application, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                form.save(by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("grants:section", pk=application.pk, section=section.key)
    else:
        form = AttachmentForm(application)
    return _section_page(
        request,
        application,
        section,
        form=form,
        attachments=application.attachments.all(),
        status=400 if form.errors else 200,
    )


@applicant_required
@require_POST
def remove_attachment(request, pk, attachment_pk):
    application = _own(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    services.remove_attachment(attachment=attachment, by=request.user)
    return redirect("grants:section", pk=application.pk, section=ATTACHMENTS.key)


# --- Check your answers, and send ---------------------------------------------------------------


@dataclass
class SummarySection:
    section: Section
    url: str
    rows: list[tuple[str, object]] = field(default_factory=list)


def _text(value) -> str:
    return str(value) if value not in (None, "") else NOT_ANSWERED


def _yes_no_text(value) -> str:
    return NOT_ANSWERED if value is None else ("Yes" if value else "No")


def _organisation_rows(a: Application) -> list:
    address = [line for line in a.organisation_address.splitlines() if line.strip()]
    return [
        ("Organisation's name", _text(a.organisation_name)),
        ("Kind of organisation", _text(a.get_organisation_kind_display())),
        ("Charity number", _text(a.charity_number)),
        ("Company number", _text(a.company_number)),
        ("Address", address or NOT_ANSWERED),
        ("Postcode", _text(a.organisation_postcode)),
        ("Website", _text(a.organisation_website)),
        ("Consortium bid", _yes_no_text(a.is_consortium)),
    ]


def _consortium_rows(a: Application) -> list:
    rows = []
    for member in a.consortium_members.all():
        details = (
            member.get_organisation_kind_display(),
            f"charity {member.charity_number}" if member.charity_number else "",
            f"company {member.company_number}" if member.company_number else "",
            member.role,
        )
        rows.append((member.organisation_name, ", ".join(d for d in details if d) or "No details"))
    return rows or [("Members", NOT_ANSWERED)]


def _contact_rows(a: Application) -> list:
    return [
        ("Name", _text(a.contact_name)),
        ("Email address", _text(a.contact_email)),
        ("Phone number", _text(a.contact_phone)),
    ]


def _safeguarding_rows(a: Application) -> list:
    return [
        ("Safeguarding policy", _yes_no_text(a.has_safeguarding_policy)),
        ("Governing document", _text(a.get_governing_document_display())),
    ]


def _project_rows(a: Application) -> list:
    return [
        ("Project title", _text(a.project_title)),
        ("Summary", _text(a.project_summary)),
        ("What it will do", _text(a.project_activities)),
        ("Who it is for", _text(a.project_beneficiaries)),
        ("Activity area", _text(a.activity_area)),
        ("Objectives", [str(o) for o in a.objectives.all()] or NOT_ANSWERED),
    ]


def _areas_and_dates_rows(a: Application) -> list:
    return [
        ("Policing areas", [str(p) for p in a.policing_areas.all()] or NOT_ANSWERED),
        ("Start date", day_in_words(a.starts_on) or NOT_ANSWERED),
        ("End date", day_in_words(a.ends_on) or NOT_ANSWERED),
    ]


def _budget_rows(a: Application) -> list:
    lines = [f"{line.description}: {money(line.amount)}" for line in a.budget_lines.all()]
    return [
        ("Amount requested", money(a.amount_requested) or NOT_ANSWERED),
        ("Budget lines", lines or NOT_ANSWERED),
        ("Lines add up to", money(a.budget_total)),
    ]


def _funding_and_outcomes_rows(a: Application) -> list:
    return [
        ("Other funding", _text(a.other_funding)),
        ("Other funding amount", money(a.other_funding_amount) or NOT_ANSWERED),
        ("What it will achieve", _text(a.expected_outcomes)),
    ]


def _question_rows(a: Application) -> list:
    answers = {answer.question_id: answer.answer for answer in a.answers.all()}
    return [(q.text, _text(answers.get(q.pk))) for q in a.round.questions.all()]


def _attachment_rows(a: Application) -> list:
    files = [(f.get_kind_display(), f.original_name) for f in a.attachments.all()]
    return files or [("Files", "None attached")]


SUMMARY_ROWS = {
    ORGANISATION.key: _organisation_rows,
    CONSORTIUM.key: _consortium_rows,
    CONTACT.key: _contact_rows,
    SAFEGUARDING.key: _safeguarding_rows,
    PROJECT.key: _project_rows,
    AREAS_AND_DATES.key: _areas_and_dates_rows,
    BUDGET.key: _budget_rows,
    FUNDING_AND_OUTCOMES.key: _funding_and_outcomes_rows,
    QUESTIONS.key: _question_rows,
    ATTACHMENTS.key: _attachment_rows,
}


def _summary(application: Application, sections, *, changeable: bool) -> list[SummarySection]:
    """What the applicant has said, section by section, for "Check your answers" (with a link
    to change each) and for the page of an application sent (without)."""
    return [
        SummarySection(
            section,
            reverse("grants:section", args=[application.pk, section.key]) if changeable else "",
            # Each value as a list of lines, so the page draws one answer and many alike.
            [
                (label, value if isinstance(value, list) else [value])
                for label, value in SUMMARY_ROWS[section.key](application)
            ],
        )
        for section in sections
    ]


def _problem_links(application: Application, sections, problems) -> list[tuple[str, str]]:
    """Each problem the services found, linking to the section (and the box) to put right."""
    links = []
    for key, messages in problems.items():
        section = section_of(key, sections)
        if key == "declaration":
            href = "#id_declaration"
        elif section is None:
            href = "#main-content"
        else:
            href = reverse("grants:section", args=[application.pk, section.key]) + _anchor(key)
        links += [(href, message) for message in messages]
    return links


# The first box of a question whose message is not about a box of its own name: the first
# option of radios and checkboxes (numbered from 1), the day of a date, the first row's box.
ANCHORS = {
    "activity_area": "#id_activity_area_1",
    "objectives": "#id_objectives_1",
    "policing_areas": "#id_policing_areas_1",
    "has_safeguarding_policy": "#id_has_safeguarding_policy_1",
    "governing_document": "#id_governing_document_1",
    "is_consortium": "#id_is_consortium_1",
    "starts_on": "#id_starts_on_0",
    "ends_on": "#id_ends_on_0",
    "budget_lines": "#id_lines-0-description",
    "consortium_members": "#id_members-0-organisation_name",
    "attachments": "#id_kind_1",
}
ROW_ANCHORS = {
    "line_": "#id_lines-{index}-description",
    "member_": "#id_members-{index}-organisation_name",
}


def _anchor(key: str) -> str:
    if key in ANCHORS:
        return ANCHORS[key]
    for prefix, anchor in ROW_ANCHORS.items():
        number = key.removeprefix(prefix)
        if key.startswith(prefix) and number.isdigit():
            return anchor.format(index=int(number) - 1)
    return f"#id_{key}"


@applicant_required
@require_http_methods(["GET", "HEAD", "POST"])
def check(request, pk):
    application = _own(request, pk)
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        form.is_valid()
        try:
            services.submit_application(
                application=application,
                by=request.user,
                declaration=bool(form.cleaned_data.get("declaration")),
            )
        except ValidationError as error:
            application.refresh_from_db()
            problems = error.message_dict if hasattr(error, "error_dict") else {}
            if "declaration" in problems:
                form.add_error("declaration", problems["declaration"])
            status, error_links = 400, _problem_links(application, _sections(application), problems)
            if not hasattr(error, "error_dict"):
                error_links += [("#main-content", message) for message in error.messages]
        else:
            # Sent twice, the second finds the first and lands here too.
            return redirect("grants:sent", pk=application.pk)
    elif not _is_draft(application):
        return redirect("grants:application", pk=application.pk)
    else:
        form, status, error_links = DeclarationForm(), 200, []
    sections = _sections(application)
    problems = services.problems_before_submitting(application) if status == 200 else {}
    return render(
        request,
        "grants/apply/check.html",
        {
            "application": application,
            "form": form,
            "summary": _summary(application, sections, changeable=True),
            "not_ready": _problem_links(application, sections, problems),
            "error_links": error_links,
            "task_list_url": reverse("grants:application", args=[application.pk]),
            **_round_context(application),
        },
        status=status,
    )


@applicant_required
@require_http_methods(["GET", "HEAD"])
def sent(request, pk):
    application = _own(request, pk)
    if _is_draft(application):
        return redirect("grants:application", pk=application.pk)
    return render(
        request,
        "grants/apply/sent.html",
        {"application": application, **_round_context(application)},
    )
