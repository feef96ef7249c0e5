"""Factories for grants; each keeps related data consistent (an application's scheme is its
round's, its budget lines add up to the amount it asks for), and helpers that take an
application along the workflow through the services, as the office would."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engagement.models import Organisation
from grants import services
from grants.models import (
    Application,
    AssessmentCriterion,
    Attachment,
    BudgetLine,
    GrantRound,
    GrantScheme,
    RoundQuestion,
)
from grants.workflow import ApplicationStatus as S
from grants.workflow import RoundStatus
from pcc_portal.services import set_roles
from tests.engagement.factories import ActivityAreaFactory, OrganisationFactory
from tests.pcc_portal.factories import PolicingAreaFactory, UserFactory

PDF = b"%PDF-1.7\n" + b"\0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


def office_file(entries: dict[str, bytes | str], *, first: str | None = None) -> bytes:
    """A ZIP archive holding these entries (`first` written first, uncompressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first), entries[first])
        for name, content in entries.items():
            if name != first:
                archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra) -> bytes:
    return office_file(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
            **extra,
        }
    )


def xlsx(**extra) -> bytes:
    return office_file(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": '<?xml version="1.0"?><workbook/>',
            **extra,
        }
    )


def odt(**extra) -> bytes:
    return office_file(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": '<?xml version="1.0"?><office:document-content/>',
            **extra,
        },
        first="mimetype",
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class ApplicantFactory(UserFactory):
    """A person with an applicant's account."""

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            set_roles(user=self, roles=["Applicant"])


class GrantSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantScheme

    name = factory.Sequence(lambda n: f"Grant scheme {n}")
    slug = factory.Sequence(lambda n: f"grant-scheme-{n}")
    description = "Crime and disorder reduction grants for community projects."
    funder = "The office"
    annual_budget = Decimal("1000000.00")
    eligibility = "Registered charities and community groups working in the force area."
    grant_programme_code = factory.Sequence(lambda n: f"GS-{n}")


class GrantRoundFactory(factory.django.DjangoModelFactory):
    """A published round, open from a week ago for three more weeks."""

    class Meta:
        model = GrantRound

    scheme = factory.SubFactory(GrantSchemeFactory)
    name = factory.Sequence(lambda n: f"2015/16 tier {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    tier = 1
    description = "One-off grants for projects that make communities safer."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    budget = Decimal("100000.00")
    minimum_award = Decimal("500.00")
    maximum_award = Decimal("20000.00")
    longest_project_months = 12
    status = RoundStatus.PUBLISHED


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCriterion

    round = factory.SubFactory(GrantRoundFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    max_score = 5


class RoundQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundQuestion

    round = factory.SubFactory(GrantRoundFactory)
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"How will you involve local people ({n})?")
    required = True
    max_length = 500


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application to an open round, complete and ready to send: its budget line adds
    up to the amount asked for, it serves one policing area and its governing document is
    attached. Pass `budget=[(description, amount), ...]` or `areas=[...]` to change them."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(GrantRoundFactory)
    scheme = factory.SelfAttribute("round.scheme")
    applicant = factory.SubFactory(ApplicantFactory)
    kind = Application.Kind.OPEN_ROUND
    status = S.DRAFT
    organisation_name = factory.Sequence(lambda n: f"Safer Streets Trust {n}")
    organisation_kind = Organisation.Kind.VOLUNTARY_ORGANISATION
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    organisation_address = "1 High Street\nShrewsbury"
    organisation_postcode = "SY3 8HF"
    has_safeguarding_policy = False
    governing_document = Application.GoverningDocument.CONSTITUTION
    contact_name = "Jo Bloggs"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    project_title = factory.Sequence(lambda n: f"Youth diversion project {n}")
    project_summary = "Evening sessions for young people at risk of exploitation."
    project_activities = "Two evening sessions a week with a youth worker."
    project_beneficiaries = "Young people aged 11 to 16."
    activity_area = factory.LazyFunction(lambda: ActivityAreaFactory(number=4))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=180))
    amount_requested = Decimal("5000.00")
    expected_outcomes = "Fewer young people drawn into crime."

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.policing_areas.set(extracted if extracted is not None else [PolicingAreaFactory()])

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        if not create:
            return
        lines = extracted if extracted is not None else [("Youth worker", self.amount_requested)]
        BudgetLine.objects.bulk_create(
            BudgetLine(application=self, position=n, description=text, amount=Decimal(amount))
            for n, (text, amount) in enumerate(lines, start=1)
        )

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Attachment.objects.create(
                application=self,
                kind=Attachment.Kind.GOVERNING_DOCUMENT,
                file=upload("constitution.pdf", PDF),
                original_name="constitution.pdf",
                size=len(PDF),
            )


# --- Along the workflow, through the services ------------------------------------------------


class Office:
    """The people who work an application: a grants officer, an assessor and the Commissioner
    (named as the office holder when the office's profile is loaded)."""

    def __init__(self, make_user):
        self.officer = make_user("Grants officer")
        self.assessor = make_user("Grant assessor")
        self.commissioner = make_user("Commissioner and Deputy", full_name="Alex Holder")


def submitted(office: Office, **kwargs) -> Application:
    application = kwargs.pop("application", None) or ApplicationFactory(**kwargs)
    return services.submit_application(
        application=application, by=application.applicant, declaration=True
    )


def eligible(office: Office, **kwargs) -> Application:
    application = submitted(office, **kwargs)
    return services.check_eligibility(application=application, by=office.officer, eligible=True)


def assessed(office: Office, *, score: int = 4, **kwargs) -> Application:
    application = eligible(office, **kwargs)
    criteria = list(application.round.criteria.all()) or [CriterionFactory(round=application.round)]
    services.score_application(
        application=application,
        by=office.assessor,
        scores={criterion.pk: (score, "Clear plan") for criterion in criteria},
    )
    return services.complete_assessment(application=application, by=office.officer)


def recommended(office: Office, **kwargs) -> Application:
    application = assessed(office, **kwargs)
    application = services.link_organisation(application=application, by=office.officer)
    return services.recommend(
        application=application,
        by=office.officer,
        amount=application.amount_requested,
        recommendation="Strong local support",
    )


def approved(office: Office, *, amount=None, instalments=None, **kwargs):
    """A recommended application approved by the Commissioner; returns (application, award)."""
    application = recommended(office, **kwargs)
    award = services.award_grant(
        application=application,
        by=office.commissioner,
        amount=amount or application.amount_requested,
        reasons="Reduces youth crime in the town centre",
        conditions="Report every six months",
        instalments=instalments,
    )
    application.refresh_from_db()
    return application, award


def accepted(office: Office, **kwargs):
    application, award = approved(office, **kwargs)
    application = services.accept_offer(application=application, by=application.applicant)
    return application, award


def active(office: Office, **kwargs):
    application, award = accepted(office, **kwargs)
    application = services.activate_award(application=application, by=office.officer)
    return application, award


def linked_organisation(**kwargs) -> Organisation:
    return OrganisationFactory(**kwargs)


def every_grants_record() -> Application:
    """One record of each grants model, made the way the office makes them: an application to
    a round with a question and a consortium member, scored (and a conflict declared), awarded
    over two financial years, its offer accepted and a report sent with figures."""
    from pcc_portal.models import User

    def person(role: str) -> User:
        user = UserFactory()
        set_roles(user=user, roles=[role])
        return user

    officer, assessor, other_assessor = (
        person("Grants officer"),
        person("Grant assessor"),
        person("Grant assessor"),
    )
    commissioner = person("Commissioner and Deputy")
    grant_round = GrantRoundFactory(longest_project_months=24)
    question = RoundQuestionFactory(round=grant_round)
    criterion = CriterionFactory(round=grant_round)
    application = ApplicationFactory(round=grant_round, is_consortium=True)
    applicant = application.applicant
    services.answer_questions(
        application=application, by=applicant, answers={question.pk: "With a panel"}
    )
    services.set_consortium_members(
        application=application, by=applicant, members=[{"organisation_name": "Partner club"}]
    )
    services.submit_application(application=application, by=applicant, declaration=True)
    services.check_eligibility(application=application, by=officer, eligible=True)
    services.declare_conflict(application=application, by=other_assessor, note="A trustee")
    services.score_application(
        application=application, by=assessor, scores={criterion.pk: (4, "Clear plan")}
    )
    services.complete_assessment(application=application, by=officer)
    services.link_organisation(application=application, by=officer)
    services.recommend(application=application, by=officer, amount="5000")
    start = application.starts_on
    award = services.award_grant(
        application=application,
        by=commissioner,
        amount="5000",
        reasons="Reduces youth crime",
        ends_on=start + timedelta(days=400),
        instalments=[(start, "2500"), (start + timedelta(days=366), "2500")],
    )
    services.accept_offer(application=application, by=applicant)
    services.submit_monitoring_report(
        report=award.reports.order_by("due_on").first(),
        by=applicant,
        narrative="Thirty young people took part",
        people_reached=30,
        figures={("age", "10 to 15"): 30},
    )
    return application
