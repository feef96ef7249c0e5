from django.urls import path

from .views import calendar, charter, contacts, coverage, events, issues, news, newsletters
from .views import subscriptions as lists

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
    # News and newsletter issues: public pages
    path("news/", news.news_list, name="news_list"),
    path("news/<slug:slug>/", news.news_item, name="news_item"),
    path(
        "newsletter/issues/<int:pk>/", newsletters.newsletter_web_view, name="newsletter_web_view"
    ),
    # News and newsletter issues: staff and ambassadors
    path("staff/engagement/news/", news.staff_news_list, name="staff_news_list"),
    path("ambassador/news/", news.ambassador_news_list, name="ambassador_news_list"),
    path("staff/engagement/news/new/", news.news_item_new, name="news_item_new"),
    path("staff/engagement/news/<int:pk>/", news.news_item_review, name="news_item_review"),
    path("staff/engagement/news/<int:pk>/edit/", news.news_item_edit, name="news_item_edit"),
    path("staff/engagement/newsletters/", newsletters.newsletter_list, name="newsletter_list"),
    path("staff/engagement/newsletters/new/", newsletters.newsletter_new, name="newsletter_new"),
    path(
        "staff/engagement/newsletters/<int:pk>/",
        newsletters.newsletter_detail,
        name="newsletter_detail",
    ),
    *(
        path(f"staff/engagement/newsletters/<int:pk>/{action}/", view, name=f"newsletter_{action}")
        for action, view in (
            ("edit", newsletters.newsletter_edit),
            ("progress", newsletters.newsletter_progress),
            ("preview", newsletters.newsletter_preview),
            ("send", newsletters.newsletter_send),
        )
    ),
    path(
        "staff/engagement/newsletters/<int:pk>/preview.txt",
        newsletters.newsletter_preview,
        {"part": "txt"},
        name="newsletter_preview_text",
    ),
    # Distribution lists: sign-up, confirmation and unsubscribe (no account needed)
    path("newsletter/subscribe/", lists.subscribe, name="subscribe"),
    path("newsletter/subscribe/check-your-email/", lists.subscribe_sent, name="subscribe_sent"),
    path(
        "newsletter/confirm/<str:token>/",
        lists.subscription_confirm,
        name="subscription_confirm",
    ),
    path("newsletter/unsubscribe/<str:token>/", lists.unsubscribe_link, name="unsubscribe"),
    path(
        "newsletter/future-consultations/",
        lists.consultation_opt_in,
        name="consultation_opt_in",
    ),
    path("ambassador/subscribers/new/", lists.field_subscribe, name="field_subscribe"),
    path("staff/engagement/lists/", lists.list_index, name="list_index"),
    path("staff/engagement/lists/<slug:slug>/import/", lists.list_import, name="list_import"),
]
