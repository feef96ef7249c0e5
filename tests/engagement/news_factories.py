"""Factories for news items, distribution lists, subscribers and newsletter issues."""

import factory
from django.utils import timezone

from engagement.newsletter_models import (
    DistributionList,
    NewsItem,
    Newsletter,
    Subscriber,
    Subscription,
)
from tests.pcc_portal.factories import UserFactory


class NewsItemFactory(factory.django.DjangoModelFactory):
    """A published story."""

    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    summary = "What happened, in a sentence."
    body = "The story.\n\nIn two paragraphs."
    author = factory.SubFactory(UserFactory)
    status = NewsItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now())


class DistributionListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistributionList
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"List {n}")
    slug = factory.Sequence(lambda n: f"list-{n}")
    is_public = True


def subscribe(distribution_list: DistributionList, email: str, **kwargs) -> Subscription:
    """A confirmed subscription of `email` to the list."""
    subscriber, _ = Subscriber.objects.get_or_create(email=email.lower())
    return Subscription.objects.create(
        subscriber=subscriber,
        list=distribution_list,
        status=kwargs.pop("status", Subscription.Status.CONFIRMED),
        consent_method=Subscription.Method.WEB_FORM,
        confirmed_at=timezone.now(),
        **kwargs,
    )


class NewsletterFactory(factory.django.DjangoModelFactory):
    """A draft issue with no list; pass lists=[...] and news_items=[...]."""

    class Meta:
        model = Newsletter
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Newsletter {n}")
    introduction = "Welcome to this issue."
    kind = Newsletter.Kind.OTHER
    sections = factory.LazyFunction(list)

    @factory.post_generation
    def lists(self, create, extracted, **kwargs):
        if create and extracted:
            self.lists.set(extracted)

    @factory.post_generation
    def news_items(self, create, extracted, **kwargs):
        if create and extracted:
            self.news_items.set(extracted)
