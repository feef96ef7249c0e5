from django.urls import path

from .views import calendar, charter, contacts, coverage, events, issues

app_name = "engagement"
urlpatterns = [
    path("charter/", charter.charter, name="charter"),
    # Ambassadors, on their phones
    path("ambassador/", contacts.ambassador_home, name="ambassador_home"),
    path("ambassador/contacts/", contacts.contact_list, name="contact_list"),
    path("ambassador/contacts/new/", contacts.contact_new, name="contact_new"),
    path("ambassador/contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("ambassador/contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("ambassador/organisations/", contacts.organisation_list, name="organisation_list"),
    path("ambassador/organisations/new/", contacts.organisation_new, name="organisation_new"),
    # Staff
    path("staff/engagement/contacts/", contacts.staff_contact_list, name="staff_contact_list"),
    path("staff/engagement/issues/", issues.issue_queue, name="issue_queue"),
    path("staff/engagement/issues/new/", issues.issue_log, name="issue_log"),
    path("staff/engagement/issues/<int:pk>/", issues.issue_detail, name="issue_detail"),
    path("staff/engagement/coverage/", coverage.coverage, name="coverage"),
    path("staff/engagement/coverage.csv", coverage.coverage_csv, name="coverage_csv"),
    path("staff/engagement/calendar/", calendar.staff_calendar, name="staff_calendar"),
    path("staff/engagement/calendar/events/new/", events.event_add, name="event_add"),
    path(
        "staff/engagement/calendar/events/<int:pk>/change/",
        events.event_change,
        name="event_change",
    ),
    # The public calendar and its feeds
    path("events/", calendar.event_list, name="event_list"),
    path("events/past/", events.past_events, name="past_events"),
    path("events/<uuid:uid>/", calendar.event_detail, name="event_detail"),
    path("events/<uuid:uid>.ics", events.event_ics, name="event_ics"),
    path("events.ics", calendar.public_feed, name="public_feed"),
    path("calendar/<str:key>/engagement.ics", calendar.private_feed, name="private_feed"),
]
