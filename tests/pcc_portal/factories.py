import factory
from django.utils import timezone

from pcc_portal.models import Aim, LocalAuthority, Objective, PolicingArea, SuccessMeasure, User

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


class AimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aim

    number = factory.Sequence(lambda n: n + 100)
    title = factory.Sequence(lambda n: f"Aim {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    aim = factory.SubFactory(AimFactory)
    number = factory.Sequence(lambda n: n + 100)
    title = factory.Sequence(lambda n: f"Objective {n}")


class SuccessMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuccessMeasure

    objective = factory.SubFactory(ObjectiveFactory)
    text = factory.Sequence(lambda n: f"Success measure {n}")
    position = factory.Sequence(int)
