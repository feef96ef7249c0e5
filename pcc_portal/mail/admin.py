"""The outbound emails and bulk mailings in the admin: what was sent, to whom and how it went.
Read-only; the actions send failed messages again, and pause or resume a mailing, through the
services."""

from django.contrib import admin, messages

from ..models import BulkDelivery, BulkMailing, OutboundMessage
from .bulk import pause_mailing, resume_mailing
from .services import requeue_messages


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("to_email", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to_email", "subject", "message_id")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("to_email", "subject", "status", "related_object")}),
        (
            "Delivery",
            {
                "fields": (
                    "attempts",
                    "last_error",
                    "message_id",
                    "created_at",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                )
            },
        ),
        ("Content", {"fields": ("template", "context", "content_type", "object_id")}),
    )
    # Every field is shown and none is editable: a message's record is history.
    readonly_fields = tuple(name for _, section in fieldsets for name in section["fields"])
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False  # emails are written by the portal's services, never by hand

    @admin.display(description="About")
    def related_object(self, message):
        return message.related or "—"

    @admin.action(description="Send again", permissions=["change"])
    def send_again(self, request, queryset):
        queued = requeue_messages(messages=queryset)
        skipped = queryset.count() - queued
        if queued:
            messages.success(request, f"{queued} email(s) queued to be sent again.")
        if skipped:
            messages.warning(
                request, f"{skipped} email(s) left alone: only failed emails can be sent again."
            )


class BulkDeliveryInline(admin.TabularInline):
    """The first deliveries of a mailing that went wrong; all of them under "Bulk deliveries"."""

    model = BulkDelivery
    fields = ("to_email", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "Failed deliveries (the first 50)"

    def get_queryset(self, request):
        failed = super().get_queryset(request).filter(status=BulkDelivery.Status.FAILED)
        return failed.filter(pk__in=failed.order_by("pk").values("pk")[:50])


@admin.register(BulkMailing)
class BulkMailingAdmin(admin.ModelAdmin):
    list_display = ("subject", "status", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    fields = (
        "subject",
        "status",
        "progress_now",
        "related_object",
        "created_at",
        "finished_at",
        "template",
        "context",
        "headers",
    )
    readonly_fields = fields
    inlines = [BulkDeliveryInline]
    actions = ["pause", "resume"]

    def has_add_permission(self, request):
        return False  # mailings are written by the portal's services, never by hand

    @admin.display(description="Progress")
    def progress_now(self, mailing):
        progress = mailing.progress()
        return (
            f"{progress['sent']} sent, {progress['failed']} failed, {progress['remaining']} "
            f"remaining, of {progress['total']}"
        )

    @admin.display(description="About")
    def related_object(self, mailing):
        return mailing.related or "—"

    @admin.action(description="Pause sending", permissions=["change"])
    def pause(self, request, queryset):
        paused = sum(pause_mailing(mailing) for mailing in queryset)
        messages.success(request, f"{paused} mailing(s) paused.")

    @admin.action(description="Resume sending", permissions=["change"])
    def resume(self, request, queryset):
        resumed = sum(resume_mailing(mailing) for mailing in queryset)
        messages.success(request, f"{resumed} mailing(s) resumed.")


@admin.register(BulkDelivery)
class BulkDeliveryAdmin(admin.ModelAdmin):
    list_display = ("to_email", "mailing", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("to_email", "message_id")
    list_select_related = ("mailing",)
    fields = (
        "mailing",
        "to_email",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "context",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
