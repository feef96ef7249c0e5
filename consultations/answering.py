"""Answering a consultation: what an answer must be, and storing a response once.

Every door (the public form, the API, staff keying in paper responses) hands `submit_response`
the same typed answers, keyed by question id:

- single choice: the chosen option's id; multiple choice: a list of option ids
- yes/no: True or False; scale: the chosen point's id
- short or long text: a str; number: a Decimal (or int)
- where you live: a `Place`; who is responding: a `Respondent`; email: an `EmailAnswer`

A question left out, or answered with None, "" or [], is unanswered.

Suspect responses (decision 20) are stored and flagged, never refused, and nothing tells the
person: staff choose whether to count them.
"""

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from pcc_portal.limits import too_long
from pcc_portal.models import LocalAuthority, PolicingArea
from pcc_portal.public_cache import remember

from . import rules
from .equality import record_equality_answers
from .models import Answer, Consultation, Question, Response
from .saving import find_saved
from .signals import CONSULTATIONS

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = Answer._meta.get_field("text").max_length
ORGANISATION_MAX = Response._meta.get_field("organisation_name").max_length
EMAIL_MAX = Response._meta.get_field("email").max_length
# Answer.number holds 14 digits, 2 after the point.
NUMBER_LIMIT = Decimal(10) ** 12
NUMBER_PLACES = Decimal("0.01")

# Why a response is suspect, as stored in Response.suspect_reasons.
HONEYPOT = "honeypot"
TOO_FAST = "too fast"
REPEATED = "repeated from one source"
MANY_FROM_ONE_SOURCE = "many from one source"

SELECT = "Select an answer to question {number}"
ENTER = "Enter your answer to question {number}"
ENTER_NUMBER = "Enter a number for question {number}"
NOT_AN_OPTION = "Select one of the answers given for question {number}"
NOT_A_NUMBER = "Enter a number, like 12"
NUMBER_TOO_BIG = "Enter a number between -999,999,999,999 and 999,999,999,999"
TOO_MANY_PLACES = "Enter a number with no more than 2 decimal places"
NUL_CHARACTER = "Remove the hidden null character from your answer"
BAD_EMAIL = "Enter an email address in the correct format, like name@example.com"
EMAIL_FOR_FEEDBACK = "Enter your email address so that we can tell you the outcome"
ENTER_ORGANISATION = "Enter the name of the organisation"
NOT_IN_SENSITIVE = "This consultation does not ask for an email address"
NOT_ASKED = "An answer was sent to a question this consultation does not ask"
NOT_PUBLISHED = "This consultation is not published"
NOT_OPEN_YET = "This consultation is not open yet"
CLOSED = "This consultation has closed and no longer accepts responses"
CANNOT_KEY_IN = "You cannot key in responses to this consultation"
KEYED_IN_CHANNEL = "Select how the response reached us"
ONLINE_ONLY = "Responses sent from the website arrive online"
OTHER_CONSULTATIONS_FORM = "This form belongs to a different consultation"
NOT_ASKED_ABOUT_YOU = "This consultation does not ask the questions about you"

# The "About you" answers' errors are keyed as the forms name those fields: equality_<field>,
# and "equality" for the section as a whole.
EQUALITY = "equality"


@dataclass(frozen=True)
class Place:
    """Where the person lives (decision 4): a policing area or local authority, or neither."""

    whereabouts: str
    policing_area_id: int | None = None
    local_authority_id: int | None = None

    @classmethod
    def from_code(cls, code: str) -> "Place | None":
        """The form's value ("authority:7", "area:2", "outside", "prefer_not") as a Place;
        None for anything else."""
        if code in (Response.Whereabouts.OUTSIDE, Response.Whereabouts.PREFER_NOT):
            return cls(whereabouts=code)
        kind, _, pk = (code or "").partition(":")
        if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
            return None
        if kind == "area":
            return cls(whereabouts=Response.Whereabouts.IN_AREA, policing_area_id=int(pk))
        if kind == "authority":
            return cls(whereabouts=Response.Whereabouts.IN_AREA, local_authority_id=int(pk))
        return None

    @property
    def code(self) -> str:
        if self.local_authority_id:
            return f"authority:{self.local_authority_id}"
        if self.policing_area_id:
            return f"area:{self.policing_area_id}"
        return self.whereabouts


@dataclass(frozen=True)
class Respondent:
    """Who is responding: a resident, a business, or someone on behalf of a named organisation."""

    type: str
    organisation: str = ""


@dataclass(frozen=True)
class EmailAnswer:
    address: str = ""
    wants_feedback: bool = False


def questions_to_ask(consultation: Consultation) -> list[Question]:
    """The questions put to the public, in order. A sensitive consultation asks for no email
    address (decision 22), even if one was left in."""

    def asked():
        questions = Question.objects.filter(consultation=consultation).in_order()
        if consultation.sensitive:
            questions = questions.exclude(kind__in=Question.PERSONAL)
        return list(questions)

    # The same for every respondent, and read by the form and again by this service on every
    # response sent: kept until a consultation, question, option or scale changes.
    return remember(
        f"consultation-asked:{consultation.pk}:{consultation.sensitive}", [CONSULTATIONS], asked
    )


def field_name(question: Question, part: str = "") -> str:
    """The name a question's input has on the form, which is also the key of its errors."""
    return f"q{question.pk}_{part}" if part else f"q{question.pk}"


def _unanswered(value) -> bool:
    if value is None or value == "" or value == [] or value == () or value == set():
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, EmailAnswer):
        return not value.address.strip() and not value.wants_feedback
    return False


def _chosen_options(value) -> set[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return {value}
    if isinstance(value, list | tuple | set | frozenset):
        return set(value)
    return set()


def _shown(question: Question, kept: Mapping[int, object], asked: set[int]) -> bool:
    """A "show only if" question counts only when its earlier question was answered with one
    of the named options (with none named, any answer). A question hidden in turn hides those
    that depend on it."""
    if question.show_if_question_id is None:
        return True
    if question.show_if_question_id not in asked or question.show_if_question_id not in kept:
        return False
    wanted = {option.pk for option in question.show_if_options.all()}
    if not wanted:
        return True
    return bool(wanted & _chosen_options(kept[question.show_if_question_id]))


def _text(value, limit: int) -> tuple[str, str | None]:
    if not isinstance(value, str):
        return "", "wrong"
    if "\x00" in value:
        return "", NUL_CHARACTER
    value = value.strip()
    if len(value) > limit:
        return "", str(too_long("Your answer", limit))
    return value, None


def _number(value) -> tuple[Decimal | None, str | None]:
    if isinstance(value, bool):
        return None, NOT_A_NUMBER
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, NOT_A_NUMBER
        value = Decimal(str(value))
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        return None, NOT_A_NUMBER
    if abs(value) >= NUMBER_LIMIT:
        return None, NUMBER_TOO_BIG
    try:
        exact = value.quantize(NUMBER_PLACES)
    except InvalidOperation:
        return None, NUMBER_TOO_BIG
    if exact != value:
        return None, TOO_MANY_PLACES
    return exact, None


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_one(question: Question, value, number: int, sensitive: bool, errors: dict):
    """The answer as stored, or None after adding its errors."""
    name = field_name(question)
    kind = question.kind
    wrong = NOT_AN_OPTION.format(number=number)

    def fail(message, field=name):
        errors.setdefault(field, []).append(message)

    if kind == Question.Kind.SINGLE_CHOICE:
        if _is_id(value) and value in {option.pk for option in question.options.all()}:
            return value
        return fail(wrong)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        options = {option.pk for option in question.options.all()}
        if not isinstance(value, list | tuple | set | frozenset) or not all(map(_is_id, value)):
            return fail(wrong)
        chosen = list(dict.fromkeys(value))
        if not set(chosen) <= options:
            return fail(wrong)
        return chosen
    if kind == Question.Kind.YES_NO:
        return value if isinstance(value, bool) else fail(wrong)
    if kind == Question.Kind.SCALE:
        points = {point.pk for point in question.scale.points.all()} if question.scale else set()
        if _is_id(value) and value in points:
            return value
        return fail(wrong)
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind == Question.Kind.SHORT_TEXT else LONG_TEXT_MAX
        text, problem = _text(value, limit)
        if problem:
            return fail(ENTER.format(number=number) if problem == "wrong" else problem)
        return text
    if kind == Question.Kind.NUMBER:
        amount, problem = _number(value)
        return fail(problem) if problem else amount
    if kind == Question.Kind.WHERE_YOU_LIVE:
        if not isinstance(value, Place) or value.whereabouts not in Response.Whereabouts.values:
            return fail(wrong)
        in_area = value.whereabouts == Response.Whereabouts.IN_AREA
        if in_area != bool(value.policing_area_id or value.local_authority_id):
            return fail(wrong)
        return value
    if kind == Question.Kind.RESPONDENT_TYPE:
        if not isinstance(value, Respondent) or value.type not in Response.RespondentType.values:
            return fail(wrong)
        if value.type != Response.RespondentType.ORGANISATION:
            return Respondent(type=value.type)
        organisation, problem = _text(value.organisation, ORGANISATION_MAX)
        if problem or not organisation:
            missing = problem in (None, "wrong")
            return fail(
                ENTER_ORGANISATION if missing else problem, field_name(question, "organisation")
            )
        return Respondent(type=value.type, organisation=organisation)
    if kind == Question.Kind.EMAIL:
        if sensitive:
            return fail(NOT_IN_SENSITIVE)
        if not isinstance(value, EmailAnswer) or not isinstance(value.address, str):
            return fail(BAD_EMAIL)
        address = value.address.strip()
        if not address:
            return fail(EMAIL_FOR_FEEDBACK)
        if "\x00" in address:
            return fail(NUL_CHARACTER)
        try:
            if len(address) > EMAIL_MAX:
                raise ValidationError(BAD_EMAIL)
            validate_email(address)
        except ValidationError:
            return fail(BAD_EMAIL)
        return EmailAnswer(address=address, wants_feedback=bool(value.wants_feedback))
    return fail(wrong)


def _required_message(question: Question, number: int) -> str:
    if question.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        return ENTER.format(number=number)
    if question.kind == Question.Kind.NUMBER:
        return ENTER_NUMBER.format(number=number)
    return SELECT.format(number=number)


def check_answers(
    *,
    consultation: Consultation,
    answers: Mapping[int, object],
    questions: list[Question] | None = None,
) -> dict[int, object]:
    """The answers that count, cleaned: those to questions shown to the person, with text
    stripped and numbers to two places. Answers to a "show only if" question whose condition
    is not met are dropped, and its required flag is not enforced.

    Raises ValidationError with every problem at once, keyed by form field name (q<id>,
    q<id>_organisation for an organisation's name) and NON_FIELD_ERRORS for answers to questions the
    consultation does not ask.
    """
    questions = questions_to_ask(consultation) if questions is None else questions
    asked = {question.pk for question in questions}
    errors: dict[str, list[str]] = {}
    for pk in answers:
        if pk not in asked:
            personal = (
                _is_id(pk)
                and Question.objects.filter(
                    pk=pk, consultation=consultation, kind__in=Question.PERSONAL
                ).exists()
            )
            if personal and consultation.sensitive:
                errors.setdefault(f"q{pk}", []).append(NOT_IN_SENSITIVE)
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).append(NOT_ASKED)
            break
    kept: dict[int, object] = {}
    for number, question in enumerate(questions, start=1):
        if not _shown(question, kept, asked):
            continue
        value = answers.get(question.pk)
        if _unanswered(value):
            # An email address is only ever asked for the person's own sake: never required.
            if question.required and question.kind != Question.Kind.EMAIL:
                errors.setdefault(field_name(question), []).append(
                    _required_message(question, number)
                )
            continue
        cleaned = _check_one(question, value, number, consultation.sensitive, errors)
        if cleaned is not None:
            kept[question.pk] = cleaned
    if errors:
        raise ValidationError(errors)
    return kept


def _check_places(questions: list[Question], kept: Mapping[int, object]) -> dict[int, Place]:
    """Look up the areas and authorities named, in one query each; the authority's policing area
    is taken as the person's."""
    places = {
        question.pk: kept[question.pk]
        for question in questions
        if question.kind == Question.Kind.WHERE_YOU_LIVE and question.pk in kept
    }
    if not places:
        return {}
    authorities = {
        authority.pk: authority
        for authority in LocalAuthority.objects.filter(
            pk__in=[p.local_authority_id for p in places.values() if p.local_authority_id]
        )
    }
    areas = set(
        PolicingArea.objects.filter(
            pk__in=[p.policing_area_id for p in places.values() if p.policing_area_id]
        ).values_list("pk", flat=True)
    )
    errors, resolved = {}, {}
    for number, question in enumerate(questions, start=1):
        place = places.get(question.pk)
        if place is None:
            continue
        if place.local_authority_id:
            authority = authorities.get(place.local_authority_id)
            if authority is None:
                errors[field_name(question)] = [NOT_AN_OPTION.format(number=number)]
                continue
            place = Place(
                whereabouts=place.whereabouts,
                policing_area_id=authority.policing_area_id,
                local_authority_id=authority.pk,
            )
        elif place.policing_area_id and place.policing_area_id not in areas:
            errors[field_name(question)] = [NOT_AN_OPTION.format(number=number)]
            continue
        resolved[question.pk] = place
    if errors:
        raise ValidationError(errors)
    return resolved


def _check_window(*, consultation: Consultation, keyed_in_by, channel: str, now: datetime) -> None:
    if keyed_in_by is None:
        if channel != Response.Channel.ONLINE:
            raise ValidationError({"channel": [ONLINE_ONLY]})
        phase = consultation.phase(now)
        if phase == Consultation.Phase.OPEN:
            return
        raise ValidationError(
            {
                None: NOT_PUBLISHED,
                Consultation.Phase.UPCOMING: NOT_OPEN_YET,
                Consultation.Phase.CLOSED: CLOSED,
            }[phase],
            code="not_open",
        )
    # Paper, email and meeting responses arrive up to the close and are keyed in afterwards.
    if not keyed_in_by.has_perm(rules.BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied(CANNOT_KEY_IN)
    if channel == Response.Channel.ONLINE or channel not in Response.Channel.values:
        raise ValidationError({"channel": [KEYED_IN_CHANNEL]})
    phase = consultation.phase(now)
    if phase is None:
        raise ValidationError(NOT_PUBLISHED, code="not_open")
    if phase == Consultation.Phase.UPCOMING:
        raise ValidationError(NOT_OPEN_YET, code="not_open")


def _build(
    *, response: Response, questions: list[Question], kept: Mapping[int, object], places
) -> list[Answer]:
    rows = []
    for question in questions:
        if question.pk not in kept:
            continue
        value = kept[question.pk]
        kind = question.kind
        if kind == Question.Kind.WHERE_YOU_LIVE:
            # One place per response: the first question asking it answers for the response.
            if not response.whereabouts:
                place = places[question.pk]
                response.whereabouts = place.whereabouts
                response.policing_area_id = place.policing_area_id
                response.local_authority_id = place.local_authority_id
        elif kind == Question.Kind.RESPONDENT_TYPE:
            if not response.respondent_type:
                response.respondent_type = value.type
                response.organisation_name = value.organisation
        elif kind == Question.Kind.EMAIL:
            if not response.email:
                response.email = value.address
                response.wants_feedback = value.wants_feedback
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            rows += [Answer(question=question, option_id=pk) for pk in value]
        elif kind == Question.Kind.SINGLE_CHOICE:
            rows.append(Answer(question=question, option_id=value))
        elif kind == Question.Kind.SCALE:
            rows.append(Answer(question=question, scale_point_id=value))
        elif kind == Question.Kind.YES_NO:
            rows.append(Answer(question=question, yes=value))
        elif kind == Question.Kind.NUMBER:
            rows.append(Answer(question=question, number=value))
        else:
            rows.append(Answer(question=question, text=value))
    return rows


def answers_fingerprint(response: Response, rows) -> str:
    """The same answers give the same value, whoever gave them: for spotting repeats."""

    def number(value):
        return None if value is None else str(Decimal(value).quantize(NUMBER_PLACES))

    answers = sorted(
        (
            row.question_id,
            row.option_id or 0,
            row.scale_point_id or 0,
            "" if row.yes is None else str(row.yes),
            number(row.number) or "",
            row.text,
        )
        for row in rows
    )
    about = [
        response.respondent_type,
        response.organisation_name,
        response.whereabouts,
        response.policing_area_id,
        response.local_authority_id,
        response.email.lower(),
        response.wants_feedback,
    ]
    body = json.dumps([about, answers], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _from_the_same_source_today(*, response: Response, now: datetime):
    """Earlier responses from the same source, in this consultation, today. The source's key
    changes daily (decision 21), so "today" is as far back as it can be compared anyway."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return Response.objects.filter(
        consultation_id=response.consultation_id,
        client_key=response.client_key,
        submitted_at__gte=start,
        submitted_at__lt=start + timedelta(days=1),
    )


def suspect_reasons(
    *,
    response: Response,
    rows,
    issued_at: datetime | None,
    honeypot: str,
    now: datetime,
) -> list[str]:
    """Why a response from the website looks like a machine's or a campaign's stuffing."""
    reasons = []
    if honeypot and honeypot.strip():
        reasons.append(HONEYPOT)
    minimum = getattr(settings, "CONSULTATION_MIN_SECONDS", 5)
    if issued_at is not None and (now - issued_at).total_seconds() < minimum:
        reasons.append(TOO_FAST)
    if response.client_key:
        earlier = _from_the_same_source_today(response=response, now=now).aggregate(
            all=Count("pk"),
            same=Count("pk", filter=Q(answers_fingerprint=response.answers_fingerprint)),
        )
        # Identical wording from many sources is a campaign, which counts; from one source it
        # may be one person sending it again and again.
        if earlier["same"]:
            reasons.append(REPEATED)
        # A library or a workplace shares one address, so many responses from one source are
        # only shown to staff to judge, like the rest.
        many = getattr(settings, "CONSULTATION_MANY_FROM_ONE_SOURCE", 20)
        if earlier["all"] + 1 >= many:
            reasons.append(MANY_FROM_ONE_SOURCE)
    return reasons


def _answered_about_you(equality: Mapping[str, object] | None) -> bool:
    """Whether the "About you" section holds anything: "Prefer not to say" is an answer, a
    section left blank is not."""
    return bool(equality) and any(value for value in equality.values())


def _check_about_you(*, consultation: Consultation, equality) -> None:
    # A consultation can leave the section out (its owner judged the questions out of place);
    # answers sent to it anyway are refused rather than dropped, so no door stores them quietly.
    if _answered_about_you(equality) and not consultation.asks_equality:
        raise ValidationError({EQUALITY: [NOT_ASKED_ABOUT_YOU]}, code="not_asked")


def _record_about_you(*, response: Response, equality: Mapping[str, object]) -> None:
    try:
        record_equality_answers(response=response, answers=equality)
    except ValidationError as error:
        raise ValidationError(
            {f"{EQUALITY}_{name}": messages for name, messages in error.message_dict.items()}
        ) from error


def _existing(form_token, consultation: Consultation) -> Response | None:
    existing = Response.objects.filter(form_token=form_token).first()
    if existing is not None and existing.consultation_id != consultation.pk:
        raise ValidationError(OTHER_CONSULTATIONS_FORM, code="other_consultation")
    return existing


def submit_response(
    *,
    consultation: Consultation,
    answers: Mapping[int, object],
    form_token=None,
    issued_at: datetime | None = None,
    channel: str = Response.Channel.ONLINE,
    client_key: str = "",
    honeypot: str = "",
    keyed_in_by=None,
    equality: Mapping[str, object] | None = None,
    resume_secret: str = "",
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Store one response to the consultation. Returns (response, created).

    `equality` is the optional "About you" section (equality.record_equality_answers): it is
    stored apart from the answers, but with them or not at all. A consultation that does not
    ask it (`asks_equality` off) refuses any answer in it; a section left blank is no answer.

    `resume_secret` names the answers saved part-way (saving.py) that this response finishes:
    they are deleted with it, and the form counts as begun when they were first saved.

    The same form_token again (a double submit, a replay) returns the response first stored
    with it and stores nothing, even when two arrive at once. The public may answer only while
    the consultation is open, online; staff who may build it key in responses that reached us
    another way (paper, email, a meeting) at any time after it opens. A suspect response from
    the website is stored and flagged with its reasons (decision 20).

    Raises ValidationError for answers that do not fit their questions (every problem at once,
    keyed by form field name; see check_answers), for a consultation not open, for an
    email address in a sensitive consultation, and for "About you" answers to a consultation
    that does not ask them ("equality") or not among those offered ("equality_<field>");
    PermissionDenied for someone keying in who may not. Nothing is stored then.
    """
    now = now or timezone.now()
    if form_token is not None:
        existing = _existing(form_token, consultation)
        if existing is not None:
            return existing, False
    _check_window(consultation=consultation, keyed_in_by=keyed_in_by, channel=channel, now=now)
    _check_about_you(consultation=consultation, equality=equality)
    questions = questions_to_ask(consultation)
    kept = check_answers(consultation=consultation, answers=answers, questions=questions)
    places = _check_places(questions, kept)
    response = Response(
        consultation=consultation,
        channel=channel,
        submitted_at=now,
        form_token=form_token,
        client_key=client_key[: Response._meta.get_field("client_key").max_length],
        keyed_in_by=keyed_in_by,
    )
    rows = _build(response=response, questions=questions, kept=kept, places=places)
    response.answers_fingerprint = answers_fingerprint(response, rows)
    saved = find_saved(consultation=consultation, secret=resume_secret) if resume_secret else None
    if saved is not None and issued_at is not None:
        # A resumed form comes back filled in and may rightly be sent at once.
        issued_at = min(issued_at, saved.created_at)
    if keyed_in_by is None:
        reasons = suspect_reasons(
            response=response, rows=rows, issued_at=issued_at, honeypot=honeypot, now=now
        )
        response.suspect, response.suspect_reasons = bool(reasons), reasons
    try:
        with transaction.atomic():
            response.save()
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            if _answered_about_you(equality):
                _record_about_you(response=response, equality=equality)
            if saved is not None:
                saved.delete()
    except IntegrityError:
        # Two sends of one form raced past the check above: the unique token let one through.
        existing = _existing(form_token, consultation) if form_token is not None else None
        if existing is None:
            raise
        return existing, False
    return response, True
