"""Building a consultation on the staff pages: its details and its questions, one verb each.

Each verb asks the rule consultations.build_consultations, works in one transaction holding the
consultation's row (a response stored meanwhile would otherwise meet a question half changed),
and raises ValidationError keyed by the field a message is about, so a page shows it beside
that field. Once people have answered, the answers they gave must keep meaning what they meant:
questions and their options stay and keep their type and scale (editing.py, Question.clean);
wording may change, and the history keeps what it said before.

Publishing and withdrawing are services.move_consultation; the precept questions are
precept.add_precept_questions.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.text import capfirst, slugify

from pcc_portal.models import User

from . import editing
from .models import (
    AnswerScale,
    Consultation,
    Outcome,
    Question,
    QuestionOption,
    ScalePoint,
)
from .plan import in_words
from .rules import BUILD_CONSULTATIONS

CANNOT_BUILD = "You cannot build consultations"
CANNOT_CHANGE = "You cannot change this consultation"
SLUG_TAKEN = "Another consultation already has this web address. Choose a different one"
ENTER_SLUG = "Enter the web address, using only letters, numbers and hyphens"
OWNER_CANNOT_BUILD = "Choose an owner who builds consultations"
RETENTION_RANGE = "Keep personal data for between {least} and {most} months"

TWO_OPTIONS = "Give at least 2 answers people can choose from"
TOO_MANY_OPTIONS = "Give {most} answers or fewer"
OPTION_TOO_LONG = "Each answer must be {most} characters or fewer"
SAME_OPTION_TWICE = "Each answer must be different: “{label}” is given more than once"
OPTIONS_ONLY_FOR_CHOICE = (
    "Only a single choice or multiple choice question has answers to choose from. "
    "Remove them, or choose one of those types"
)
PERSONAL_IN_SENSITIVE = "A sensitive consultation cannot ask for an email address"
ASKED_ALREADY = "This consultation already asks this, in question {number}"
REQUIRED_ONCE_ANSWERED = (
    "People have already answered this consultation, so an answer to this question cannot be "
    "required: the responses already given would be incomplete"
)
CONDITION_ONE_QUESTION = "Choose answers to one earlier question only"
CONDITION_EARLIER = "Choose answers to a question that comes before this one"
CONDITION_NEEDED = (
    "Question {number} is shown only after some answers to this one. Change that question first"
)
OPTION_NEEDED = (
    "Question {number} is shown only after this answer. Change that question before removing it"
)
DEPENDED_ON = (
    "Question {number} is shown only after some answers to this one. "
    "Change or delete that question first"
)
MEASURE_ONLY_FOR_SCALE = "Only a scale question can be a tracked measure"
MEASURE_NEEDS_NAME = "Enter the name of the measure, or choose no answers for it"
MEASURE_NEEDS_POINTS = "Choose the answers that count towards the measure"
POINTS_NOT_ON_SCALE = "Choose answers from this question's scale"
MUST_FOLLOW = (
    "Question {number} is shown only after an answer to question {other}, so it must come after it"
)

# Personal data is kept at least a month after closing (time to read the responses) and never
# more than ten years.
RETENTION_LEAST, RETENTION_MOST = 1, 120
OPTION_MAX = QuestionOption._meta.get_field("label").max_length
OPTIONS_MOST = 50
# Asked once at most: a response has one place, one respondent type and one email address.
ONCE_EACH = (
    Question.Kind.WHERE_YOU_LIVE,
    Question.Kind.RESPONDENT_TYPE,
    Question.Kind.EMAIL,
)
UP, DOWN = "up", "down"
REASON_MAX = Question.history.model._meta.get_field("history_change_reason").max_length


def _may_build(by, consultation: Consultation | None = None) -> None:
    if not by.has_perm(BUILD_CONSULTATIONS, consultation):
        raise PermissionDenied(CANNOT_BUILD if consultation is None else CANNOT_CHANGE)


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _raise(errors: Mapping[str, list]) -> None:
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


# --- Details ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ConsultationDetails:
    """Everything the details page says about a consultation (its status aside)."""

    title: str
    slug: str
    summary: str
    why: str
    audience: str
    opens_at: datetime
    closes_at: datetime
    owner: User
    can_change: str = ""
    cannot_change: str = ""
    sensitive: bool = False
    asks_equality: bool = True
    retention_months: int = 24
    activity_areas: Sequence = ()
    objectives: Sequence = ()
    partners: Sequence = ()

    def __post_init__(self):
        # Querysets arrive from forms: keep a fixed copy.
        for name in RELATED:
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @classmethod
    def from_input(cls, values: Mapping) -> "ConsultationDetails":
        """The details in a form's cleaned_data (other keys are the caller's)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


RELATED = ("activity_areas", "objectives", "partners")


def _write_consultation(consultation: Consultation, details: ConsultationDetails, by):
    new_owner = consultation.owner_id != details.owner.pk
    for name in (f.name for f in fields(ConsultationDetails)):
        if name not in RELATED:
            setattr(consultation, name, getattr(details, name))
    if not consultation.slug:
        consultation.slug = slugify(consultation.title)[:80].strip("-")
    errors: dict[str, list] = defaultdict(list)
    try:
        # clean() words the dates' constraint for people; the address is checked below.
        consultation.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as refused:
        for key, messages in refused.message_dict.items():
            errors[key] += messages
    if not consultation.slug:
        errors["slug"] = [ENTER_SLUG]
    elif Consultation.objects.filter(slug=consultation.slug).exclude(pk=consultation.pk).exists():
        errors["slug"] = [SLUG_TAKEN]
    if not RETENTION_LEAST <= (consultation.retention_months or 0) <= RETENTION_MOST:
        errors["retention_months"] = [
            RETENTION_RANGE.format(least=RETENTION_LEAST, most=RETENTION_MOST)
        ]
    # Its reminders go to its owner; someone who has left may stay owner of what they built.
    if new_owner and not details.owner.has_perm(BUILD_CONSULTATIONS):
        errors["owner"] = [OWNER_CANNOT_BUILD]
    _raise(errors)
    consultation._history_user = by
    try:
        # A savepoint: two people taking the same address at once get the message, not a 500.
        with transaction.atomic():
            consultation.save()
    except IntegrityError:
        raise ValidationError({"slug": SLUG_TAKEN}) from None
    for name in RELATED:
        getattr(consultation, name).set(getattr(details, name))
    return consultation


def create_consultation(*, details: ConsultationDetails, by) -> Consultation:
    """Start a consultation, as a draft nobody outside the office sees. Without a web address
    it takes one from the title.

    Raises PermissionDenied for someone who may not build consultations, and ValidationError,
    each message keyed by its field, for details the model or these rules refuse (closing
    before it opens, an address in use, an owner who does not build consultations); nothing is
    stored then.
    """
    _may_build(by)
    with transaction.atomic():
        return _write_consultation(Consultation(status=Consultation.Status.DRAFT), details, by)


def update_consultation(
    *, consultation: Consultation, details: ConsultationDetails, by
) -> Consultation:
    """Change a consultation's details, whatever its status; the history keeps what they were
    and who changed them. The status moves only through services.move_consultation.

    Raises PermissionDenied and ValidationError as create_consultation does; nothing is changed
    then, and the caller's object is left as it was.
    """
    _may_build(by, consultation)
    with transaction.atomic():
        return _write_consultation(_lock(consultation), details, by)


# --- Questions --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QuestionDetails:
    """Everything the question page says about one question.

    `option_labels` rewords the question's existing options, by id; an empty label removes
    that option, and an option not named stays as it is. `new_options` are added after them.
    The question it depends on follows from `show_if_options`, all answers to one earlier
    choice question.
    """

    text: str
    kind: str
    help_text: str = ""
    required: bool = False
    scale: AnswerScale | None = None
    option_labels: Mapping[int, str] = field(default_factory=dict)
    new_options: Sequence[str] = ()
    show_if_options: Sequence[QuestionOption] = ()
    measure_name: str = ""
    measure_points: Sequence[ScalePoint] = ()

    def __post_init__(self):
        for name in ("new_options", "show_if_options", "measure_points"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


def _number_of(question: Question) -> int:
    """The question's number in the consultation's order."""
    earlier = Q(position__lt=question.position) | Q(position=question.position, pk__lt=question.pk)
    return Question.objects.filter(earlier, consultation_id=question.consultation_id).count() + 1


def _check_options(details, existing, answered, errors) -> tuple[list, list, list]:
    """(kept, removed, added): the options the question keeps, with their wording, those it
    loses and the labels of the new ones."""
    if details.kind not in Question.WITH_OPTIONS:
        added = [label for label in details.new_options if label.strip()]
        if added:
            errors["new_options"].append(OPTIONS_ONLY_FOR_CHOICE)
        # The options go with the type; a type that cannot change once answered is refused
        # by Question.clean, and these with it.
        return [], list(existing), []
    kept, removed = [], []
    for option in existing:
        label = details.option_labels.get(option.pk, option.label).strip()
        if not label:
            removed.append(option)
            if answered:
                errors[f"option_{option.pk}"].append(editing.OPTION_KEPT)
            continue
        if len(label) > OPTION_MAX:
            errors[f"option_{option.pk}"].append(OPTION_TOO_LONG.format(most=OPTION_MAX))
        kept.append((option, label))
    added = [label.strip() for label in details.new_options if label.strip()]
    if any(len(label) > OPTION_MAX for label in added):
        errors["new_options"].append(OPTION_TOO_LONG.format(most=OPTION_MAX))
    labels = [label for _, label in kept] + added
    if len(labels) < 2:
        errors["new_options"].append(TWO_OPTIONS)
    elif len(labels) > OPTIONS_MOST:
        errors["new_options"].append(TOO_MANY_OPTIONS.format(most=OPTIONS_MOST))
    seen = set()
    for label in labels:
        if label.casefold() in seen:
            errors["new_options"].append(SAME_OPTION_TWICE.format(label=label))
            break
        seen.add(label.casefold())
    return kept, removed, added


def _check_condition(question, details, errors) -> Question | None:
    """The earlier question this one is shown after, from the answers chosen."""
    chosen = details.show_if_options
    if not chosen:
        return None
    parents = {option.question_id for option in chosen}
    if len(parents) > 1:
        errors["show_if_options"].append(CONDITION_ONE_QUESTION)
        return None
    parent = Question.objects.filter(pk=parents.pop()).first()
    if (
        parent is None
        or parent.consultation_id != question.consultation_id
        or parent.kind not in Question.WITH_OPTIONS
        or parent.pk == question.pk
        or (parent.position, parent.pk) >= (question.position, question.pk or float("inf"))
    ):
        errors["show_if_options"].append(CONDITION_EARLIER)
        return None
    return parent


def _check_measure(details, scale, errors) -> str:
    name = details.measure_name.strip()
    points = details.measure_points
    if not name and not points:
        return ""
    if details.kind != Question.Kind.SCALE:
        errors["measure_name"].append(MEASURE_ONLY_FOR_SCALE)
        return name
    if not name:
        errors["measure_name"].append(MEASURE_NEEDS_NAME)
    if not points:
        errors["measure_points"].append(MEASURE_NEEDS_POINTS)
    elif scale is not None and any(point.scale_id != scale.pk for point in points):
        errors["measure_points"].append(POINTS_NOT_ON_SCALE)
    return name


def _write_question(
    question: Question, details: QuestionDetails, consultation: Consultation, by, answered: bool
) -> Question:
    errors: dict[str, list] = defaultdict(list)
    existing = list(question.options.all()) if question.pk else []
    kept, removed, added = _check_options(details, existing, answered, errors)
    kind = details.kind
    if answered and details.required and not question.required:
        errors["required"].append(REQUIRED_ONCE_ANSWERED)
    if consultation.sensitive and kind in Question.PERSONAL:
        errors["kind"].append(PERSONAL_IN_SENSITIVE)
    if kind in ONCE_EACH:
        other = consultation.questions.filter(kind=kind).exclude(pk=question.pk).first()
        if other is not None:
            errors["kind"].append(ASKED_ALREADY.format(number=_number_of(other)))
    if question.pk:
        waiting = question.dependants.order_by("position", "pk").first()
        if waiting is not None and kind not in Question.WITH_OPTIONS:
            errors["kind"].append(CONDITION_NEEDED.format(number=_number_of(waiting)))
        for option in removed if kind in Question.WITH_OPTIONS else ():
            waiting = option.shown_questions.order_by("position", "pk").first()
            if waiting is not None:
                errors[f"option_{option.pk}"].append(
                    OPTION_NEEDED.format(number=_number_of(waiting))
                )
    scale = details.scale if kind == Question.Kind.SCALE else None
    question.text = details.text.strip()
    question.help_text = details.help_text.strip()
    question.required = details.required
    question.kind = kind
    question.scale = scale
    question.show_if_question = _check_condition(question, details, errors)
    question.measure_name = _check_measure(details, scale, errors)
    try:
        question.full_clean(validate_constraints=False)
    except ValidationError as refused:
        for key, messages in refused.message_dict.items():
            key = "show_if_options" if key == "show_if_question" else key
            errors[key] += [m for m in messages if m not in errors[key]]
    _raise(errors)

    question._history_user = by
    reworded = _options_reworded(kept, removed, added) if question.pk else ""
    if reworded:
        question._change_reason = reworded
    question.save()
    for option in removed:
        option.delete()
    for option, label in kept:
        if option.label != label:
            option.label = label
            option.save(update_fields=["label"])
    last = max((option.position for option, _ in kept), default=0)
    for position, label in enumerate(added, start=last + 1):
        QuestionOption.objects.create(question=question, position=position, label=label)
    question.show_if_options.set(details.show_if_options if question.show_if_question else [])
    question.measure_points.set(details.measure_points if question.measure_name else [])
    return question


def _options_reworded(kept, removed, added) -> str:
    """The changes to a question's options in words, kept as the reason of the question's
    history record: the options have no history of their own, and the answers given to an
    option keep pointing at it whatever it now says."""
    parts = [f"“{option.label}” now “{label}”" for option, label in kept if option.label != label]
    parts += [f"“{label}” added" for label in added]
    parts += [f"“{option.label}” removed" for option in removed]
    if not parts:
        return ""
    words = "Answers: " + "; ".join(parts)
    return words if len(words) <= REASON_MAX else words[: REASON_MAX - 1] + "…"


def add_question(*, consultation: Consultation, details: QuestionDetails, by) -> Question:
    """Add a question after the consultation's others, with its options for a choice question.

    Raises PermissionDenied for someone who may not build the consultation, and ValidationError,
    each message keyed by its field (the new options' under "new_options"), for a question these
    rules or the model refuse: a choice question with fewer than two answers, a condition on a
    later or unrelated question, a measure on a question without a scale, an email address in a
    sensitive consultation, a second "where you live", and once people have answered, a new
    required question. Nothing is stored then.
    """
    _may_build(by, consultation)
    with transaction.atomic():
        locked = _lock(consultation)
        answered = locked.has_responses()
        last = locked.questions.aggregate(last=Max("position"))["last"] or 0
        question = Question(consultation=locked, position=last + 1)
        return _write_question(question, details, locked, by, answered)


def update_question(*, question: Question, details: QuestionDetails, by) -> Question:
    """Change a question: its wording always, its type, scale and options until people have
    answered. The question's history keeps its earlier wording and who changed it.

    Raises PermissionDenied and ValidationError as add_question does, and once answered for a
    change of type or scale (Question.clean) or an option removed (editing.OPTION_KEPT); nothing
    is changed then.
    """
    _may_build(by, question.consultation)
    with transaction.atomic():
        locked = _lock(question.consultation)
        current = Question.objects.get(pk=question.pk)
        current.consultation = locked
        return _write_question(current, details, locked, by, locked.has_responses())


def move_question(*, question: Question, direction: str, by) -> Question:
    """Swap a question with the one before it (UP) or after it (DOWN); first and last stay put.
    Only positions change, so the answers already given are untouched.

    Raises PermissionDenied for someone who may not build the consultation, and ValidationError
    when the move would put a question before the one whose answer shows it.
    """
    _may_build(by, question.consultation)
    if direction not in (UP, DOWN):
        raise ValueError(direction)
    with transaction.atomic():
        _lock(question.consultation)
        questions = list(
            Question.objects.filter(consultation_id=question.consultation_id).order_by(
                "position", "pk"
            )
        )
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(questions):
            return questions[index]
        first, second = sorted((index, other))
        earlier, later = questions[first], questions[second]
        if later.show_if_question_id == earlier.pk:
            raise ValidationError(MUST_FOLLOW.format(number=second + 1, other=first + 1))
        positions = [q.position for q in questions]
        if len(set(positions)) < len(positions):
            # Positions typed twice in the admin: number them afresh, in the order shown.
            positions = list(range(1, len(questions) + 1))
        questions[first], questions[second] = later, earlier
        for position, moved in zip(positions, questions, strict=True):
            if moved.position != position:
                moved.position = position
                moved._history_user = by
                moved.save(update_fields=["position"])
        return questions[other]


def delete_question(*, question: Question, by) -> None:
    """Delete a question and its options, as editing.delete_question does, once no later
    question is shown after an answer to it.

    Raises PermissionDenied for someone who may not build the consultation, and ValidationError
    once people have answered (editing.QUESTION_KEPT) or while another question depends on it.
    """
    _may_build(by, question.consultation)
    with transaction.atomic():
        locked = _lock(question.consultation)
        waiting = question.dependants.order_by("position", "pk").first()
        if waiting is not None and not locked.has_responses():
            raise ValidationError(DEPENDED_ON.format(number=_number_of(waiting)))
        question._history_user = by
        editing.delete_question(question=question, by=by)


# --- The record of changes --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One entry of a consultation's history: who did what, when, and to which question."""

    at: datetime
    by: object
    title: str
    subject: str = ""
    details: tuple[str, ...] = ()


# Fields whose old and new values are short enough to show; the others are only named.
SHOWN_IN_FULL = {
    "title",
    "slug",
    "audience",
    "opens_at",
    "closes_at",
    "retention_months",
    "text",
    "measure_name",
}
NOT_SHOWN = {"id", "created_at", "updated_at", "consultation", "status", "position"}
HISTORY_LIMIT = 60
MOVES = {
    Consultation.Status.PUBLISHED: "Published",
    Consultation.Status.WITHDRAWN: "Withdrawn",
    Consultation.Status.DRAFT: "Returned to draft",
}


def _in_words(field_, value) -> str:
    if value is None or value == "":
        return "nothing"
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return in_words(value)
    return str(value)


def _differences(history_model, before, after) -> list[str]:
    """A line per field changed: its old and new value, or its name alone for long text and
    links to other records."""
    lines, named = [], []
    for field_ in history_model.tracked_fields:
        if field_.name in NOT_SHOWN:
            continue
        old, new = getattr(before, field_.attname), getattr(after, field_.attname)
        if old == new:
            continue
        name = capfirst(str(field_.verbose_name))
        if field_.name in SHOWN_IN_FULL or field_.choices or isinstance(new, bool):
            lines.append(f"{name}: {_in_words(field_, old)} → {_in_words(field_, new)}")
        else:
            named.append(str(field_.verbose_name))
    if named:
        lines.append(f"Changed: {', '.join(named)}")
    return lines


def _consultation_change(record, before) -> Change | None:
    if before is None:
        return Change(record.history_date, record.history_user, "Consultation created")
    lines = _differences(type(record), before, record)
    if before.status != record.status:
        title = MOVES.get(record.status, "Status changed")
    elif lines:
        title = "Details changed"
    else:
        return None
    return Change(record.history_date, record.history_user, title, "", tuple(lines))


def _question_change(record, before) -> Change | None:
    by, at = record.history_user, record.history_date
    if record.history_type == "-":
        return Change(at, by, "Question deleted", record.text)
    if before is None:
        return Change(at, by, "Question added", record.text)
    lines = _differences(type(record), before, record)
    if record.history_change_reason:
        lines.append(record.history_change_reason)
    if lines:
        return Change(at, by, "Question changed", record.text, tuple(lines))
    if before.position != record.position:
        return Change(at, by, "Question moved", record.text)
    return None


def _outcome_change(record, before) -> Change | None:
    by, at = record.history_user, record.history_date
    if before is None:
        return Change(at, by, "Outcome started")
    if before.published_at is None and record.published_at is not None:
        return Change(at, by, "Outcome published")
    lines = _differences(type(record), before, record)
    return Change(at, by, "Outcome changed", "", tuple(lines)) if lines else None


def _changes(records, describe) -> list[Change]:
    """A Change per historical record, each compared with the record before it of the same
    object: worked out here rather than with one query per record."""
    changes, latest = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        change = describe(record, latest.get(record.id))
        latest[record.id] = record
        if change is not None:
            changes.append(change)
    return changes


def consultation_history(
    consultation: Consultation, limit: int = HISTORY_LIMIT
) -> tuple[list[Change], int]:
    """The latest changes to a consultation, its questions and its outcome, newest first, and
    how many earlier ones are left out. Three queries, however long the history."""
    sources = (
        (Consultation, {"id": consultation.pk}, _consultation_change),
        (Question, {"consultation_id": consultation.pk}, _question_change),
        (Outcome, {"consultation_id": consultation.pk}, _outcome_change),
    )
    changes = []
    for model, where, describe in sources:
        records = model.history.model.objects.filter(**where).select_related("history_user")
        changes += _changes(records, describe)
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit], max(0, len(changes) - limit)
