"""What the grants' public pages show, and the records whose changes make them stale.

`connect()` runs from GrantsConfig.ready(): each save or delete of these records (or a change of
their many-to-many relations) bumps the kind's version in `pcc_portal.public_cache`, so the next
anonymous GET of a page showing that kind is rendered afresh. Whether a round is upcoming, open or
closed moves with the clock instead; the cache's age limit (PUBLIC_CACHE_SECONDS) bounds how long
a page may lag behind it.
"""

ROUNDS = "grant_rounds"  # the list of rounds, each round's page, and the home page's section
# The awards published (the Specified Information Order's monthly list, the 360Giving data).
AWARDS = "grant_awards"


def connect() -> None:
    from engagement.models import ActivityArea
    from pcc_portal.models import Objective
    from pcc_portal.public_cache import invalidate_on

    from .models import AssessmentCriterion, GrantRound, GrantScheme, RoundQuestion

    invalidate_on(GrantScheme, ROUNDS)
    invalidate_on(GrantRound, ROUNDS)
    # A round's page lists how it is scored, what it asks beyond the standard questions, and
    # the activity areas and objectives it funds, by name.
    invalidate_on(AssessmentCriterion, ROUNDS)
    invalidate_on(RoundQuestion, ROUNDS)
    invalidate_on(ActivityArea, ROUNDS, many_to_many=False)
    invalidate_on(Objective, ROUNDS, many_to_many=False)
    _watch_published_awards()


def _watch_published_awards() -> None:
    """The awards pages and the 360Giving data show an award with its application, scheme,
    round and instalments paid; the recipient under its name and org-id; the places served by
    their local authorities' ONS codes; the activity area and objectives by name; and the
    decision notice while it is public."""
    from engagement.models import ActivityArea, Organisation
    from pcc_portal.models import Decision, LocalAuthority, Objective, PolicingArea
    from pcc_portal.public_cache import invalidate_on

    from .models import Application, Award, GrantRound, GrantScheme, Instalment

    for model in (Award, Application, GrantScheme, GrantRound, Instalment, Organisation):
        invalidate_on(model, AWARDS)
    for model in (PolicingArea, LocalAuthority, ActivityArea, Objective, Decision):
        invalidate_on(model, AWARDS, many_to_many=False)
