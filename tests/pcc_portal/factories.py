import factory
from django.utils import timezone

from pcc_portal.models import LocalAuthority, PolicingArea, User

TEST_PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    date_joined = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PolicingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicingArea

    name = factory.Sequence(lambda n: f"Policing area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    position = factory.Sequence(int)


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"District {n}")
    ons_code = factory.Sequence(lambda n: f"E07{n:06d}")
    kind = LocalAuthority.Kind.DISTRICT
    policing_area = factory.SubFactory(PolicingAreaFactory)
    residents = 100_000
    residents_source = "Test figures"
    residents_year = 2021
