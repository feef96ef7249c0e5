"""What the consultations' public pages show, and the records whose changes make them stale.

`connect()` runs from ConsultationsConfig.ready(): each save or delete of these records (or a
change of their many-to-many relations) bumps the kind's version in `pcc_portal.public_cache`,
so the next anonymous GET of the plan, a consultation's page or the home page is rendered afresh.
Whether a consultation is upcoming, open or closed moves with the clock instead; the cache's
age limit (PUBLIC_CACHE_SECONDS) bounds how long a page may lag behind it.
"""

CONSULTATIONS = "consultations"  # the plan, each consultation's page and its questions


def connect() -> None:
    from engagement.models import ReachedGroup
    from pcc_portal.models import Decision, LocalAuthority, PolicingArea
    from pcc_portal.public_cache import invalidate_on

    from .models import (
        AnswerScale,
        Consultation,
        ConsultationDocument,
        Outcome,
        Question,
        QuestionOption,
        ScalePoint,
    )

    invalidate_on(Consultation, CONSULTATIONS)
    # A consultation's page and its paper copy list its documents.
    invalidate_on(ConsultationDocument, CONSULTATIONS)
    invalidate_on(Question, CONSULTATIONS)
    invalidate_on(QuestionOption, CONSULTATIONS)
    # A scale's labels are shown as the answers of its questions.
    invalidate_on(AnswerScale, CONSULTATIONS)
    invalidate_on(ScalePoint, CONSULTATIONS)
    # A published outcome is shown on its consultation's page, linking to its decision in the
    # register while that decision is public.
    invalidate_on(Outcome, CONSULTATIONS)
    invalidate_on(Decision, CONSULTATIONS)
    # The groups reached are offered in every form's "About you" section.
    invalidate_on(ReachedGroup, CONSULTATIONS)
    # The policing areas and local authorities are the answers to "Where do you live?".
    invalidate_on(PolicingArea, CONSULTATIONS)
    invalidate_on(LocalAuthority, CONSULTATIONS)
