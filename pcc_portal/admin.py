from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import URLField
from simple_history.admin import SimpleHistoryAdmin

from .calendar_feeds import revoke_calendar_feed
from .models import (
    Aim,
    CalendarFeed,
    Decision,
    DeviceToken,
    LocalAuthority,
    Objective,
    OfficeProfile,
    PolicingArea,
    SitePage,
    StaffMember,
    SuccessMeasure,
    User,
)
from .roles import roles_of
from .services import revoke_device_token, set_roles


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("email", "full_name", "role_names", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("is_staff", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Roles", {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ("groups",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_names(self, user):
        return ", ".join(role.name for role in roles_of(user)) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Staff status follows from the roles chosen, the same rule as everywhere else.
        set_roles(user=form.instance, roles=roles_of(form.instance))


@admin.register(OfficeProfile)
class OfficeProfileAdmin(SimpleHistoryAdmin):
    # A web address typed without a scheme is taken as https.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ("office_name", "holder_title", "holder_name", "deputy_name", "email")
    fieldsets = (
        (None, {"fields": ("office_name", "area_name")}),
        (
            "Office holders",
            {"fields": ("holder_title", "holder_name", "deputy_title", "deputy_name")},
        ),
        ("Contact details", {"fields": ("address", "phone", "email", "website")}),
        ("Branding", {"fields": ("logo", "brand_colour")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OfficeProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class LocalAuthorityInline(admin.TabularInline):
    model = LocalAuthority
    fields = ("name", "ons_code", "kind", "residents", "residents_year")
    extra = 0
    show_change_link = True


@admin.register(PolicingArea)
class PolicingAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "residents", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [LocalAuthorityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_residents()

    @admin.display(description="Residents", ordering="residents")
    def residents(self, area):
        return area.residents


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "ons_code",
        "kind",
        "parent",
        "policing_area",
        "residents",
        "residents_year",
    )
    list_filter = ("kind", "policing_area")
    search_fields = ("name", "ons_code")
    list_select_related = ("parent", "policing_area")
    autocomplete_fields = ("parent",)


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ("number", "title")
    extra = 0
    show_change_link = True


@admin.register(Aim)
class AimAdmin(admin.ModelAdmin):
    list_display = ("number", "title")
    search_fields = ("title",)
    inlines = [ObjectiveInline]


class SuccessMeasureInline(admin.TabularInline):
    model = SuccessMeasure
    fields = ("position", "text")
    extra = 1


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "aim")
    list_filter = ("aim",)
    search_fields = ("title", "success_measures__text")
    list_select_related = ("aim",)
    inlines = [SuccessMeasureInline]


@admin.register(SitePage)
class SitePageAdmin(SimpleHistoryAdmin):
    list_display = ("title", "slug", "updated_at")
    readonly_fields = ("updated_at",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "key_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "key_prefix")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "key_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued by their owner, after a two-factor sign-in

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_device_token(token=token)
        messages.success(request, f"{queryset.count()} token(s) revoked.")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "key_prefix")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # feeds are issued by their owner, on the staff calendar page

    @admin.action(description="Revoke the selected calendar feeds", permissions=["change"])
    def revoke(self, request, queryset):
        for feed in queryset:
            revoke_calendar_feed(feed=feed)
        messages.success(request, f"{queryset.count()} calendar feed(s) revoked.")


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "initials", "job_title", "user", "active")
    list_filter = ("active",)
    search_fields = ("name", "initials", "job_title", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "decided_on", "decided_by", "is_public")
    list_filter = ("is_public", "decided_on")
    search_fields = ("reference", "title", "summary", "decided_by")
    date_hierarchy = "decided_on"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("reference", "title", "decided_on", "decided_by")}),
        ("What was decided", {"fields": ("summary", "document")}),
        ("Publishing", {"fields": ("is_public", "created_at", "updated_at")}),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        office = OfficeProfile.objects.get_current()
        # Most decisions are the office holder's own; a deputy's or a delegated one is typed in.
        holder = ", ".join(part for part in (office.holder_name, office.holder_title) if part)
        initial.setdefault("decided_by", holder)
        return initial


from .mail import admin as mail_admin  # noqa: E402,F401  (registers OutboundMessage)
