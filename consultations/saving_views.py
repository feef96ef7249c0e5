"""The pages of "Save and come back later": where to send the link, that it was sent, and the
link itself, which opens the consultation's form with the saved answers in it.

No JavaScript and no session: the consultation's form sends everything typed to the save page
(its second button's formaction), which carries the answers on in hidden fields while it asks
for an email address, so a mistake in the address, a flood refusal or "Go back to your answers"
loses nothing. Every page holding someone's answers or a link's secret is never cached, and
the link's page names only the portal, never its own address, as the Referer of what it asks
for, so the secret does not travel in one.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pcc_portal.cache_headers import NO_STORE
from pcc_portal.public_cache import cached_for_visitors

from . import abuse, saving, views
from .models import Consultation
from .signals import CONSULTATIONS

EMAIL_PAGE = "consultations/saving/email.html"
SENT_PAGE = "consultations/saving/link_sent.html"
EXPIRED_PAGE = "consultations/saving/expired.html"
NOT_SAVED_PAGE = "consultations/saving/not_saved.html"

# The email page's two buttons.
ACTION = "action"
SEND, BACK = "send", "back"


class SaveForm(forms.Form):
    """Where to send the link. The address is checked by saving.save_answers, whose errors the
    page shows beside it."""

    email = forms.CharField(
        label="What is your email address?",
        help_text=(
            "We will email you a link to your saved answers. Anyone with the link can see and "
            "change them, so use an address only you can read."
        ),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The page draws the <form> tag, its CSRF token, the answers carried along and both
        # buttons.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("email", label_size=Size.LARGE, label_tag="h1", field_width=Fluid.TWO_THIRDS)
        )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _carried(consultation: Consultation, data) -> QueryDict:
    """The answers on their way through the save page: the form's own fields (the "About you"
    ones too, to go back to), bounded as saved answers are, and the secret of a resumed form."""
    carried = QueryDict(mutable=True)
    for name, values in saving.answers_in(data, views._form(consultation)).items():
        carried.setlist(name, values)
    secret = saving.carried_secret(data)
    if secret:
        carried[saving.RESUME_FIELD] = secret
    return carried


def _no_store(response):
    response["Cache-Control"] = NO_STORE
    return response


def _email_page(
    request, consultation: Consultation, *, form, carried: QueryDict, status=200, **extra
):
    context = {
        "consultation": consultation,
        "form": form,
        "carried": [(name, value) for name in carried for value in carried.getlist(name)],
        **views._dates(consultation),
        **extra,
    }
    return _no_store(render(request, EMAIL_PAGE, context, status=status))


def _saved_email(consultation: Consultation, carried: QueryDict) -> str:
    """The address the resumed answers were saved under, offered again."""
    secret = saving.carried_secret(carried)
    saved = saving.find_saved(consultation=consultation, secret=secret) if secret else None
    return saved.email if saved is not None else ""


@require_http_methods(["GET", "HEAD", "POST"])
def save_for_later(request, slug):
    consultation, preview = views._find(request, slug)
    if consultation.sensitive:
        # Decision 22: no link and no email, so no saving; the page does not exist for them.
        raise Http404
    if request.method != "POST":
        return redirect("consultations:detail", slug=consultation.slug)
    if preview or not saving.offers_saving(consultation):
        return _no_store(
            render(
                request,
                NOT_SAVED_PAGE,
                {"consultation": consultation, **views._dates(consultation)},
                status=403,
            )
        )
    carried = _carried(consultation, request.POST)
    action = request.POST.get(ACTION)
    if action == BACK:
        return views.consultation_page(
            request,
            consultation,
            preview=False,
            form=views._kept(consultation, carried),
            resume_secret=saving.carried_secret(carried),
        )
    if action != SEND:
        # Straight from the consultation's form: ask where to send the link.
        form = SaveForm(initial={"email": _saved_email(consultation, carried)})
        return _email_page(request, consultation, form=form, carried=carried)

    form = SaveForm(request.POST)
    # Each link sent is an email: counted with the responses sent from the same place.
    if abuse.flooding(request):
        wait = abuse.retry_after()
        response = _email_page(
            request,
            consultation,
            form=form,
            carried=carried,
            status=429,
            too_many=True,
            retry_after_minutes=max(1, -(-wait // 60)),
        )
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        try:
            saving.save_answers(
                consultation=consultation, data=carried, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("consultations:saved", slug=consultation.slug)
    return _email_page(request, consultation, form=form, carried=carried, status=400)


@require_GET
@cached_for_visitors(CONSULTATIONS)
def link_sent(request, slug):
    """The same for everyone who saved: it names no address and holds no link."""
    consultation, _preview = views._find(request, slug)
    if consultation.sensitive:
        raise Http404
    return render(request, SENT_PAGE, {"consultation": consultation, **views._dates(consultation)})


@require_http_methods(["GET", "HEAD"])
def resume_answers(request, slug, secret):
    try:
        consultation, preview = views._find(request, slug)
    except Http404:
        consultation, preview = None, False
    answers = (
        saving.resume(consultation=consultation, secret=secret)
        if consultation is not None and not preview
        else None
    )
    if answers is None:
        # Unknown, mistyped, already sent or closed: one page for all, saying what to do.
        context = {"consultation": consultation}
        if consultation is not None:
            context.update(phase=consultation.phase(), **views._dates(consultation))
        response = render(request, EXPIRED_PAGE, context, status=404)
    else:
        data = QueryDict(mutable=True)
        for name, values in answers.items():
            if isinstance(values, list):
                data.setlist(name, [str(value) for value in values])
        response = views.consultation_page(
            request,
            consultation,
            preview=False,
            form=views._kept(consultation, data),
            resume_secret=secret,
        )
    # Not "no-referrer": browsers then send "Origin: null" with the form, which the CSRF check
    # rightly refuses over HTTPS.
    response["Referrer-Policy"] = "strict-origin"
    return _no_store(response)
