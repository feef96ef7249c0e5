"""Factories for consultations; a question's scale and options fit its type."""

from datetime import timedelta

import factory
from django.utils import timezone

from consultations.models import AnswerScale, Consultation, Question, QuestionOption
from tests.pcc_portal.factories import UserFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Consultation {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    summary = "What we want to hear about, in a few sentences."
    why = "The office holder must obtain the views of the public before deciding."
    audience = "Residents and businesses"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    owner = factory.SubFactory(UserFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SHORT_TEXT


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionOption

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE_CHOICE)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Answer {n}")


def confidence_question(consultation, position=1) -> Question:
    """The 2008 strategy's confidence question, on its shipped scale."""
    scale = AnswerScale.objects.get(slug="how-good-a-job")
    question = QuestionFactory(
        consultation=consultation,
        position=position,
        kind=Question.Kind.SCALE,
        scale=scale,
        text="How good a job do you think the police do in your local area?",
        measure_name="Confidence in the police",
    )
    question.measure_points.set(scale.points.filter(label__in=["Excellent", "Good"]))
    return question


def choice_question(consultation, labels, *, kind=Question.Kind.SINGLE_CHOICE, **kwargs):
    """A single- or multiple-choice question with its options, in the order given."""
    question = QuestionFactory(consultation=consultation, kind=kind, **kwargs)
    for position, label in enumerate(labels, start=1):
        OptionFactory(question=question, position=position, label=label)
    return question
