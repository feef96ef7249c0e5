"""The staff admin of the distribution lists, the subscribers and their consent records, and
the suppression list. Model permissions decide who sees them (the engagement officer's role
holds all of them)."""

from django.contrib import admin

from .newsletter_models import DistributionList, Subscriber, Subscription, Suppression


@admin.register(DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_public", "position")
    list_editable = ("position",)
    list_filter = ("is_public",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("organisations",)


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = (
        "list",
        "status",
        "consent_at",
        "consent_method",
        "lawful_basis",
        "consent_wording",
        "added_by",
        "confirmed_at",
        "unsubscribed_at",
    )
    # The consent record is evidence: it is read here, never rewritten.
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "policing_area", "created_at")
    list_filter = ("subscriptions__list", "subscriptions__status", "policing_area")
    list_select_related = ("policing_area",)
    search_fields = ("email", "name")
    inlines = [SubscriptionInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "list", "status", "consent_method", "lawful_basis", "consent_at")
    list_filter = ("list", "status", "consent_method", "lawful_basis")
    list_select_related = ("subscriber", "list")
    search_fields = ("subscriber__email", "subscriber__name")
    date_hierarchy = "consent_at"
    readonly_fields = (
        "subscriber",
        "list",
        "consent_at",
        "consent_method",
        "consent_wording",
        "lawful_basis",
        "added_by",
        "confirmed_at",
        "unsubscribed_at",
    )

    def has_add_permission(self, request):
        # People join through the double opt-in or an import, which record their consent.
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "source", "created_at")
    list_filter = ("reason",)
    search_fields = ("email", "source")
    date_hierarchy = "created_at"

    def get_changeform_initial_data(self, request):
        return {
            "reason": Suppression.Reason.BY_STAFF,
            **super().get_changeform_initial_data(request),
        }

    def get_readonly_fields(self, request, obj=None):
        # An entry's address and reason are the record of what happened; staff may remove it.
        return ("email", "reason", "source", "created_at") if obj else ("created_at",)
