"""Admin for shoppers. Kroger tokens are never shown or editable here (KrogerToken is not registered)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Exists, F, OuterRef, Subquery
from social_django.models import UserSocialAuth

from .models import Household, HouseholdInvite, KrogerToken, Membership, User
from .services import CONNECTED, NOT_CONNECTED, RECONNECT_NEEDED


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Shoppers with their Kroger connection status. Other apps add inlines via `UserAdmin.inlines`."""

    list_display = (
        "__str__",
        "username",
        "kroger_profile_id",
        "preferred_store",
        "kroger_connection",
        "token_expires_at",
        "last_login",
        "is_staff",
    )
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = (
        "display_name", "kroger_profile_id", "username", "preferred_location_id", "preferred_location_name",
    )  # fmt: skip
    ordering = ("-last_login", "-id")
    actions = ["disconnect_from_kroger"]
    # Extension point: the shopping app appends its Guidance/Selection inlines here.
    inlines: list = []
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Kroger",
            {
                "fields": (
                    "display_name",
                    "kroger_profile_id",
                    "preferred_location_id",
                    "preferred_location_name",
                    "preferred_location_address",
                    "kroger_connection",
                    "token_expires_at",
                )
            },
        ),
    )
    readonly_fields = ("kroger_connection", "token_expires_at")

    def get_queryset(self, request):
        # Status and expiry come from annotations, so no token column is ever read (or decrypted).
        tokens = KrogerToken.objects.filter(user=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_kroger_token=Exists(tokens),
                kroger_needs_reconnect=F("kroger_token__needs_reconnect"),
                kroger_expires_at=F("kroger_token__access_expires_at"),
            )
        )

    @admin.display(description="Preferred store", ordering="preferred_location_id")
    def preferred_store(self, obj: User) -> str:
        if not obj.preferred_location_id:
            return "—"
        return f"{obj.preferred_location_name or 'Store'} ({obj.preferred_location_id})"

    @admin.display(description="Kroger connection")
    def kroger_connection(self, obj: User) -> str:
        if not getattr(obj, "has_kroger_token", False):
            return NOT_CONNECTED.replace("_", " ")
        return (RECONNECT_NEEDED if obj.kroger_needs_reconnect else CONNECTED).replace("_", " ")

    @admin.display(description="Access token expires", ordering="kroger_expires_at")
    def token_expires_at(self, obj: User):
        return getattr(obj, "kroger_expires_at", None) or "—"

    @admin.action(description="Disconnect from Kroger (delete their tokens)")
    def disconnect_from_kroger(self, request, queryset) -> None:
        deleted, _ = KrogerToken.objects.filter(user__in=queryset).delete()
        self.message_user(request, f"Disconnected {deleted} shopper(s) from Kroger.", messages.SUCCESS)


if admin.site.is_registered(UserSocialAuth):
    admin.site.unregister(UserSocialAuth)


@admin.register(UserSocialAuth)
class UserSocialAuthAdmin(admin.ModelAdmin):
    """Sign-in links, read-only. extra_data is left out: it is never the place for tokens."""

    list_display = ("user", "provider", "uid", "created", "modified")
    list_filter = ("provider",)
    search_fields = ("uid", "user__kroger_profile_id", "user__username")
    list_select_related = ("user",)
    fields = ("user", "provider", "uid", "created", "modified")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "joined_at")
    raw_id_fields = ("user",)
    extra = 0


class HouseholdInviteInline(admin.TabularInline):
    """Invitations, seen not changed. Only a hash of each token exists, and it is not shown."""

    model = HouseholdInvite
    fk_name = "household"
    fields = ("created_by", "created_at", "expires_at", "used_at", "used_by", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Households with their members and roles; search by household or member."""

    list_display = ("name", "owner", "member_count", "created_at")
    search_fields = (
        "name", "memberships__user__display_name", "memberships__user__username",
        "memberships__user__kroger_profile_id",
    )  # fmt: skip
    inlines = [MembershipInline, HouseholdInviteInline]

    def get_queryset(self, request):
        owners = Membership.objects.filter(household=OuterRef("pk"), role=Membership.Role.OWNER)
        return (
            super()
            .get_queryset(request)
            .annotate(
                members=Count("memberships", distinct=True),
                owner_name=Subquery(owners.values("user__display_name")[:1]),
                owner_username=Subquery(owners.values("user__username")[:1]),
            )
        )

    @admin.display(description="Members", ordering="members")
    def member_count(self, obj: Household) -> int:
        return obj.members

    @admin.display(description="Owner")
    def owner(self, obj: Household) -> str:
        return obj.owner_name or obj.owner_username or "—"
