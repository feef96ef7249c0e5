"""A consultation with known responses, for the results and exports tests.

Four ordinary responses and one suspect one; the expected figures are worked out by hand in the
tests. The questions cover each counted type, a number, a text and the tracked confidence measure.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from consultations.models import Answer, Consultation, Question, Response
from tests.consultations.factories import (
    ConsultationFactory,
    OptionFactory,
    QuestionFactory,
    confidence_question,
)
from tests.pcc_portal.factories import PolicingAreaFactory


@dataclass
class Known:
    consultation: Consultation
    north: object
    south: object
    patrols: Question
    priorities: Question
    precept: Question
    confidence: Question
    years: Question
    comments: Question
    who: Question
    email: Question
    responses: list[Response]
    suspect: Response


def answer(response, question, value) -> list[Answer]:
    """The answer rows for `value`: option labels (a list for multiple choice), a scale point's
    label, True/False, a number or a text."""
    if question.kind in Question.WITH_OPTIONS:
        labels = value if isinstance(value, list) else [value]
        options = {o.label: o for o in question.options.all()}
        return [Answer(response=response, question=question, option=options[x]) for x in labels]
    if question.kind == Question.Kind.SCALE:
        point = question.scale.points.get(label=value)
        return [Answer(response=response, question=question, scale_point=point)]
    if question.kind == Question.Kind.YES_NO:
        return [Answer(response=response, question=question, yes=value)]
    if question.kind == Question.Kind.NUMBER:
        return [Answer(response=response, question=question, number=Decimal(value))]
    return [Answer(response=response, question=question, text=value)]


def respond(consultation, answers: dict, **fields) -> Response:
    response = Response.objects.create(consultation=consultation, **fields)
    rows = []
    for question, value in answers.items():
        rows += answer(response, question, value)
    Answer.objects.bulk_create(rows)
    return response


def known_results() -> Known:
    north = PolicingAreaFactory(name="North", slug="north", position=1)
    south = PolicingAreaFactory(name="South", slug="south", position=2)
    consultation = ConsultationFactory(title="Policing priorities", slug="priorities")

    def choice(position, kind, text, labels):
        question = QuestionFactory(
            consultation=consultation, position=position, kind=kind, text=text
        )
        for n, label in enumerate(labels, start=1):
            OptionFactory(question=question, position=n, label=label)
        return question

    patrols = choice(
        1,
        Question.Kind.SINGLE_CHOICE,
        "How often do you see the police on patrol?",
        ["Often", "Sometimes", "Never"],
    )
    priorities = choice(
        2,
        Question.Kind.MULTIPLE_CHOICE,
        "Which should be priorities?",
        ["Burglary", "Speeding", "Drugs"],
    )
    precept = QuestionFactory(
        consultation=consultation,
        position=3,
        kind=Question.Kind.YES_NO,
        text="Would you pay £5 more a year for policing?",
    )
    confidence = confidence_question(consultation, position=4)
    years = QuestionFactory(
        consultation=consultation,
        position=5,
        kind=Question.Kind.NUMBER,
        text="How many years have you lived here?",
    )
    comments = QuestionFactory(
        consultation=consultation,
        position=6,
        kind=Question.Kind.LONG_TEXT,
        text="Anything else?",
    )
    who = QuestionFactory(
        consultation=consultation,
        position=7,
        kind=Question.Kind.RESPONDENT_TYPE,
        text="Are you responding as…",
    )
    email = QuestionFactory(
        consultation=consultation,
        position=8,
        kind=Question.Kind.EMAIL,
        text="Your email, if you want to hear the outcome",
    )
    start = timezone.now() - timedelta(days=3)
    ordinary = [
        respond(
            consultation,
            {
                patrols: "Often",
                priorities: ["Drugs", "Burglary"],
                precept: True,
                confidence: "Excellent",
                years: 2,
                comments: "More patrols near the school",
            },
            channel="online",
            respondent_type="resident",
            policing_area=north,
            email="resident@example.com",
            wants_feedback=True,
            submitted_at=start,
        ),
        respond(
            consultation,
            {
                patrols: "Often",
                priorities: ["Burglary"],
                precept: False,
                confidence: "Good",
                years: 10,
                comments: "Speeding on the high street",
            },
            channel="paper",
            respondent_type="business",
            policing_area=north,
            submitted_at=start + timedelta(hours=1),
        ),
        respond(
            consultation,
            {
                patrols: "Sometimes",
                priorities: ["Speeding"],
                precept: True,
                confidence: "Poor",
                years: 4,
            },
            channel="online",
            respondent_type="resident",
            policing_area=south,
            submitted_at=start + timedelta(hours=2),
        ),
        respond(
            consultation,
            {patrols: "Never", precept: True, confidence: "Fair", years: 7},
            channel="email",
            respondent_type="organisation",
            organisation_name="Parish council",
            policing_area=south,
            submitted_at=start + timedelta(hours=3),
        ),
    ]
    suspect = respond(
        consultation,
        {
            patrols: "Never",
            priorities: ["Drugs"],
            precept: False,
            confidence: "Very poor",
            years: 100,
            comments: '=HYPERLINK("http://example.com","Click")',
        },
        channel="online",
        respondent_type="resident",
        policing_area=north,
        email="spam@example.com",
        suspect=True,
        suspect_reasons=["honeypot", "too fast"],
        submitted_at=start + timedelta(hours=4),
    )
    return Known(
        consultation=consultation,
        north=north,
        south=south,
        patrols=patrols,
        priorities=priorities,
        precept=precept,
        confidence=confidence,
        years=years,
        comments=comments,
        who=who,
        email=email,
        responses=ordinary,
        suspect=suspect,
    )
