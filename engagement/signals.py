"""What engagement's public pages show, and the records whose changes make them stale.

`connect()` runs from EngagementConfig.ready(): each save or delete of these records (or a change
of their many-to-many relations) bumps the kind's version in `pcc_portal.public_cache`, so the
next anonymous GET of a page showing that kind is rendered afresh.
"""

EVENTS = "events"  # the public calendar, an event's page and the feed (and the home page)
CHARTER = "charter"  # the engagement charter
NEWS = "news"  # the news page and each story's page
NEWSLETTERS = "newsletters"  # a sent issue's web view
LISTS = "lists"  # the sign-up page: the public lists and the policing areas


def connect() -> None:
    from pcc_portal.models import PolicingArea, StaffMember, User
    from pcc_portal.public_cache import invalidate_on

    from .models import ActivityArea, Ambassador, CharterPrinciple, EngagementLevel, Event

    invalidate_on(Event, EVENTS)
    # Who attends, by name and remit, and each event's area.
    invalidate_on(Ambassador, EVENTS)
    invalidate_on(StaffMember, EVENTS, many_to_many=False)
    invalidate_on(PolicingArea, EVENTS, many_to_many=False)
    # An ambassador's name; signing in (the last sign-in time) changes nothing shown.
    invalidate_on(User, EVENTS, ignore_fields={"last_login"}, many_to_many=False)
    for model in (CharterPrinciple, EngagementLevel, ActivityArea):
        invalidate_on(model, CHARTER)
    from .newsletter_models import NewsItem, Newsletter

    invalidate_on(NewsItem, NEWS)
    invalidate_on(Newsletter, NEWSLETTERS, many_to_many=False)
    from .newsletter_models import DistributionList

    invalidate_on(DistributionList, LISTS, many_to_many=False)
    invalidate_on(PolicingArea, LISTS, many_to_many=False)
