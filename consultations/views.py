"""The public consultation pages: the plan, one consultation with its form, and the confirmation.

What is the same for every anonymous visitor is cached (decision 35): the plan and each
consultation's page whole. An open one's page is kept without its CSRF token and one-time form
token, and each visitor is served it with new ones put in (`fresh_fields`), so two people never
share a token; a form sent back with errors is drawn afresh. A closed, not yet open or
unpublished consultation accepts nothing.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from pcc_portal.cache_headers import NO_STORE
from pcc_portal.public_cache import OFFICE, cached_for_visitors, remember

from . import abuse, saving
from .answering import submit_response
from .equality_forms import add_equality_section, equality_answers
from .forms import ResponseForm
from .models import Consultation, Response
from .outcomes import published_outcome
from .plan import day_in_words, feedback_due, in_words, the_plan
from .rules import SEE_DRAFTS
from .signals import CONSULTATIONS
from .tokens import issue_token, token_for

TEMPLATE = "consultations/consultation_detail.html"
FORM_TEMPLATE = "consultations/_form.html"


# --- The plan ---------------------------------------------------------------------------------


@require_GET
@cached_for_visitors(CONSULTATIONS)
def consultation_list(request):
    """Open now, coming up and closed. Which list a consultation is in moves with the clock, so
    the cached page is kept no longer than the cache's age limit."""
    return render(
        request, "consultations/consultation_list.html", {"plan": the_plan(now=timezone.now())}
    )


# --- One consultation -------------------------------------------------------------------------


def _find(request, slug) -> tuple[Consultation, bool]:
    """The consultation and whether this is a staff preview. A draft or withdrawn one is not
    found for the public."""
    consultation = remember(
        f"consultation:{slug}",
        [CONSULTATIONS],
        lambda: Consultation.objects.filter(slug=slug).first(),
    )
    if consultation is None:
        raise Http404
    if consultation.status == Consultation.Status.PUBLISHED:
        return consultation, False
    if request.user.has_perm(SEE_DRAFTS, consultation):
        return consultation, True
    raise Http404


def _dates(consultation: Consultation) -> dict:
    return {
        "opens": in_words(consultation.opens_at),
        "closes": in_words(consultation.closes_at),
        "feedback_due": day_in_words(feedback_due(consultation)),
    }


def _description(consultation: Consultation) -> str:
    markup = remember(
        f"consultation-description:{consultation.pk}",
        [CONSULTATIONS, OFFICE],
        lambda: str(
            render_to_string(
                "consultations/_description.html",
                {"consultation": consultation, **_dates(consultation)},
            )
        ),
    )
    return mark_safe(markup)  # noqa: S308  (drawn, escaped, by the template above)


def _questions(form: ResponseForm) -> str:
    return render_to_string("consultations/_questions.html", {"form": form})


def _blank_questions(consultation: Consultation) -> str:
    """The questions as anyone first sees them, drawn once and cached: they hold no token, the
    page around them draws this visitor's CSRF token and a new one-time token each time."""
    markup = remember(
        f"consultation-questions:{consultation.pk}",
        [CONSULTATIONS, OFFICE],
        lambda: str(_questions(_form(consultation))),
    )
    return mark_safe(markup)  # noqa: S308  (drawn, escaped, by the form's templates)


def _form(consultation: Consultation, **kwargs) -> ResponseForm:
    # The page draws the <form> tag and both tokens itself, around the cacheable questions.
    form = ResponseForm(consultation, tokens_in_layout=False, **kwargs)
    # Optional, and asked unless the consultation's owner turned it off; sensitive ones may ask
    # it too (decision 22 leaves out names and contact details, not monitoring).
    if consultation.asks_equality:
        add_equality_section(form)
    return form


def consultation_page(
    request,
    consultation: Consultation,
    *,
    preview: bool,
    form=None,
    status: int = 200,
    **extra,
):
    """The consultation's page. With `form`, that form (bound, or kept after a refusal) is
    drawn afresh; without, an open consultation shows its blank form from the cache."""
    now = timezone.now()
    phase = consultation.phase(now)
    shows_form = phase == Consultation.Phase.OPEN or preview
    if form is not None:
        questions, form_token = _questions(form), form["form_token"].value()
    elif shows_form and not extra.get("refused"):
        questions, form_token = _blank_questions(consultation), issue_token(consultation)
    else:
        questions = form_token = ""
    form_markup = (
        render_to_string(
            FORM_TEMPLATE,
            {
                "consultation": consultation,
                "questions": questions,
                "form_token": form_token,
                "saving": not preview and saving.offers_saving(consultation, now),
                # A resumed form, or one sent back from it, keeps naming its saved answers.
                "resume_secret": extra.get("resume_secret") or saving.carried_secret(request.POST),
            },
            request=request,
        )
        if questions
        else ""
    )
    context = {
        "consultation": consultation,
        "preview": preview,
        "phase": phase,
        "description": _description(consultation),
        "form_markup": form_markup,
        "outcome": (
            published_outcome(consultation=consultation)
            if phase == Consultation.Phase.CLOSED
            else None
        ),
        # The layout's error summary and "Error:" title read the form.
        "form": form,
        **_dates(consultation),
        **extra,
    }
    response = render(request, TEMPLATE, context, status=status)
    if form_markup:
        # A page holding a one-time token is never kept by a shared cache or the browser; the
        # portal's own cache keeps it for the next visitor, with a new token put in.
        response["Cache-Control"] = NO_STORE
        if form is None and not preview:
            response.fresh_fields = {"form_token": partial(token_for, consultation.pk)}
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@cached_for_visitors(CONSULTATIONS)
def consultation_detail(request, slug):
    consultation, preview = _find(request, slug)
    if request.method == "POST":
        return _answer(request, consultation, preview=preview)
    return consultation_page(request, consultation, preview=preview)


def _kept(consultation: Consultation, data) -> ResponseForm:
    """A form showing what was typed, unchecked: a refusal for sending too much is not about
    the answers, so it shows no errors."""
    blank = _form(consultation)
    initial = {
        name: field.widget.value_from_datadict(data, {}, blank.add_prefix(name))
        for name, field in blank.fields.items()
        if name != "website"
    }
    return _form(consultation, initial=initial)


def _answer(request, consultation: Consultation, *, preview: bool):
    if abuse.flooding(request):
        wait = abuse.retry_after()
        response = consultation_page(
            request,
            consultation,
            preview=preview,
            form=_kept(consultation, request.POST),
            status=429,
            too_many=True,
            retry_after_minutes=max(1, -(-wait // 60)),
        )
        response["Retry-After"] = str(wait)
        return response
    if preview or not consultation.accepts_responses():
        response = consultation_page(
            request, consultation, preview=preview, status=405, refused=True
        )
        response["Allow"] = "GET, HEAD"
        return response
    form = _form(consultation, data=request.POST)
    if form.is_valid():
        try:
            submit_response(
                consultation=consultation,
                channel=Response.Channel.ONLINE,
                client_key=abuse.client_key(request),
                equality=equality_answers(form),
                resume_secret=saving.carried_secret(request.POST),
                **form.submission(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # Sent twice, the same form finds its first response and lands here too.
            return redirect("consultations:done", slug=consultation.slug)
    return consultation_page(request, consultation, preview=preview, form=form, status=400)


@require_GET
@cached_for_visitors(CONSULTATIONS)
def response_done(request, slug):
    """The confirmation. A sensitive consultation's names nothing of its subject."""
    consultation, _preview = _find(request, slug)
    return render(
        request,
        "consultations/response_done.html",
        {"consultation": consultation, **_dates(consultation)},
    )
