from pathlib import Path

from django.apps import AppConfig

STATEMENTS = Path(__file__).resolve().parent / "data" / "statements"


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from pcc_portal import registry
        from pcc_portal.registry import HomeSection, LandingPage, NavEntry, StatementPart
        from pcc_portal.roles import (
            AMBASSADOR,
            COMMISSIONER,
            ENGAGEMENT_OFFICER,
            PERFORMANCE_OFFICER,
            STAFF_OFFICER,
        )

        from . import api, calendar_text, checks, demo, reference_data, rules, signals  # noqa: F401
        from .reminders import engagement_reminders
        from .role_permissions import ROLE_PERMISSIONS

        registry.register_role_permissions(self.label, ROLE_PERMISSIONS)
        # A changed event, charter entry or meeting refreshes the cached public pages.
        signals.connect()

        # Menus: each entry asks the rule its page asks.
        for entry in (
            NavEntry("Events", "engagement:event_list", "public", order=20),
            NavEntry("Our engagement charter", "engagement:charter", "public", order=30),
            NavEntry("Engagement charter", "engagement:charter", "footer", order=30),
            NavEntry(
                "Your work",
                "engagement:ambassador_home",
                "personal",
                rule="engagement.open_ambassador_pages",
                order=10,
            ),
            NavEntry(
                "Contacts",
                "engagement:staff_contact_list",
                "staff",
                rule="engagement.open_staff_contacts",
                order=10,
            ),
            NavEntry(
                "Issues raised",
                "engagement:issue_queue",
                "staff",
                rule="engagement.open_issue_queue",
                order=20,
            ),
            NavEntry(
                "Coverage",
                "engagement:coverage",
                "staff",
                rule="engagement.open_coverage",
                order=30,
            ),
            NavEntry(
                "Calendar and meetings",
                "engagement:staff_calendar",
                "staff",
                rule="engagement.open_staff_calendar",
                order=40,
            ),
            NavEntry("News", "engagement:news_list", "public", order=35),
            NavEntry(
                "News stories",
                "engagement:staff_news_list",
                "staff",
                rule=rules.WRITE_NEWS_AS_STAFF,
                order=44,
            ),
            NavEntry(
                "Your news stories",
                "engagement:ambassador_news_list",
                "personal",
                rule=rules.WRITE_NEWS_AS_AMBASSADOR,
                order=20,
            ),
            NavEntry(
                "Newsletters",
                "engagement:newsletter_list",
                "staff",
                rule=rules.OPEN_NEWSLETTERS,
                order=45,
            ),
        ):
            registry.register_nav(entry)

        # Where each role's holder starts work after signing in.
        for role, url_name, rule in (
            (AMBASSADOR, "engagement:ambassador_home", "engagement.open_ambassador_pages"),
            (ENGAGEMENT_OFFICER, "engagement:staff_contact_list", "engagement.open_staff_contacts"),
            (STAFF_OFFICER, "engagement:issue_queue", "engagement.open_issue_queue"),
            (COMMISSIONER, "engagement:issue_queue", "engagement.open_issue_queue"),
            (PERFORMANCE_OFFICER, "engagement:coverage", "engagement.open_coverage"),
        ):
            registry.register_landing_page(LandingPage(role.name, url_name, rule))

        registry.register_home_section(
            HomeSection(
                "events",
                "Events",
                order=30,
                items=calendar_text.upcoming_public_events,
                empty="There are no public events coming up at the moment.",
            )
        )
        registry.register_home_section(
            HomeSection(
                "charter",
                "How we engage with you",
                order=90,
                template="engagement/home/charter.html",
            )
        )

        registry.register_api("activity-areas", api.ActivityAreaViewSet)
        registry.register_api("charter-principles", api.CharterPrincipleViewSet)
        registry.register_api("engagement-levels", api.EngagementLevelViewSet)
        registry.register_api("contacts", api.ContactViewSet, basename="contact")
        registry.register_api("organisations", api.OrganisationViewSet, basename="organisation")

        for page, title in (
            ("privacy", "Community engagement"),
            ("accessibility", "Community engagement pages"),
        ):
            registry.register_statement_part(
                StatementPart(
                    page=page,
                    app_label=self.label,
                    title=title,
                    body=(STATEMENTS / f"{page}.md").read_text(encoding="utf-8"),
                    order=20,
                )
            )

        registry.register_reminder_provider(self.label, engagement_reminders)
        from .newsletter_sections import public_events

        registry.register_newsletter_section(
            registry.NewsletterSection("events", "Upcoming public events", 30, public_events)
        )
        registry.reference_sections.register("activity_areas", reference_data.load_activity_areas)
        registry.reference_sections.register(
            "charter_principles", reference_data.load_charter_principles
        )
        registry.reference_sections.register(
            "engagement_levels", reference_data.load_engagement_levels
        )
        registry.reference_sections.register(
            "standing_meetings", reference_data.load_standing_meetings
        )
        registry.reference_sections.register("groups_reached", reference_data.load_groups_reached)
        registry.reference_sections.register(
            "distribution_lists", reference_data.load_distribution_lists
        )

        # Distribution lists: the sign-up in the footer, the lists for staff, and a person met
        # in the field added by an ambassador or officer.
        from anymail.signals import tracking

        from . import subscriptions

        for entry in (
            NavEntry("Get our emails", "engagement:subscribe", "footer", order=40),
            NavEntry(
                "Distribution lists",
                "engagement:list_index",
                "staff",
                rule=rules.OPEN_DISTRIBUTION_LISTS,
                order=60,
            ),
            NavEntry(
                "Add someone to a list",
                "engagement:field_subscribe",
                "personal",
                rule=rules.ADD_SUBSCRIBERS,
                order=20,
            ),
        ):
            registry.register_nav(entry)
        # Bounces and complaints the mail provider reports join the suppression list.
        tracking.connect(subscriptions.handle_tracking, dispatch_uid="engagement.suppressions")
        registry.reference_requirements.register(
            "activity_areas", reference_data.activity_areas_missing
        )
        registry.reference_requirements.register(
            "engagement_levels", reference_data.engagement_levels_missing
        )
        registry.demo_fillers.register(self.label, demo.fill)
        # The lists, news and newsletters: once every app's records are there, for the
        # newsletter's sections.
        from . import demo_newsletters

        registry.demo_finishers.register(self.label, demo_newsletters.fill)
