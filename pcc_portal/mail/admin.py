"""The outbound emails in the admin: what was sent, to whom and how it went. Read-only; the one
action sends failed messages again through the service."""

from django.contrib import admin, messages

from ..models import OutboundMessage
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
