"""Awards as they stand once decided, made directly (no workflow), for the pages that read them:
the public list, the 360Giving data and the staff reports. The workflow's own tests make awards
through the services; these make many quickly, with known amounts and dates."""

from datetime import date
from decimal import Decimal

import factory

from grants.models import Award, Instalment
from grants.workflow import ApplicationStatus as S
from tests.engagement.factories import OrganisationFactory
from tests.grants.factories import ApplicationFactory
from tests.pcc_portal.factories import UserFactory


class AwardFactory(factory.django.DjangoModelFactory):
    """A live award of £5,000 decided on 15 May 2015, paid in one instalment when it starts,
    serving its application's policing areas. Pass `application__round=...` to put it in a
    round, `areas=[...]` to serve other areas and `instalments=[(due, amount), ...]`."""

    class Meta:
        model = Award
        skip_postgeneration_save = True

    application = factory.SubFactory(
        ApplicationFactory,
        status=S.ACTIVE,
        reference=factory.Sequence(lambda n: f"G2015-{n:05d}"),
        organisation=factory.SubFactory(OrganisationFactory),
        documents=False,
        budget=[],
    )
    amount = Decimal("5000.00")
    conditions = "Report every six months"
    reasons = "Reduces youth crime in the town centre"
    starts_on = date(2015, 6, 1)
    ends_on = date(2016, 5, 31)
    decided_by = "Alex Holder, Commissioner"
    decided_on = date(2015, 5, 15)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            chosen = extracted if extracted is not None else self.application.policing_areas.all()
            self.beneficiary_areas.set(chosen)

    @factory.post_generation
    def instalments(self, create, extracted, **kwargs):
        if not create:
            return
        schedule = extracted if extracted is not None else [(self.starts_on, self.amount)]
        for number, (due_on, value) in enumerate(schedule, start=1):
            Instalment.objects.create(
                award=self, number=number, due_on=due_on, amount=Decimal(value)
            )
