"""Admin for the household's memory, plus its inlines and counts on the shopper page."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from shopping.models import CartSend, Guidance, ListItem, Selection, ShoppingList


@admin.register(Guidance)
class GuidanceAdmin(admin.ModelAdmin):
    list_display = ("text", "applies_to", "household", "owner", "position", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("text", "applies_to", "household__name", "owner__username", "owner__kroger_profile_id")
    list_select_related = ("household", "owner")
    raw_id_fields = ("household", "owner")


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = (
        "term",
        "product_id",
        "description",
        "location_id",
        "quantity",
        "source",
        "household",
        "owner",
        "last_used_at",
    )
    list_filter = ("source", "location_id", "last_used_at")
    search_fields = (
        "term", "normalized_term", "product_id", "description", "brand", "household__name", "owner__username",
    )  # fmt: skip
    list_select_related = ("household", "owner")
    raw_id_fields = ("household", "owner")
    readonly_fields = ("normalized_term", "created_at", "updated_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, not changed: lists and sends are the shopper's records (and Kroger's cart only adds)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ListItemInline(admin.TabularInline):
    model = ListItem
    fields = ("position", "raw_text", "status", "skipped", "product_id", "description", "quantity",
              "regular_price", "promo_price", "sold_by", "sent_product_id", "sent_quantity")  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShoppingList)
class ShoppingListAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "household", "owner", "location_id", "updated_at", "last_sent_at")
    list_filter = ("last_sent_at", "updated_at")
    search_fields = ("name", "household__name", "owner__username", "owner__display_name", "location_id")
    list_select_related = ("household", "owner")
    inlines = [ListItemInline]


@admin.register(CartSend)
class CartSendAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "household", "owner", "shopping_list", "status", "created_at", "completed_at")
    list_filter = ("status", "created_at")
    search_fields = ("idempotency_key", "household__name", "owner__username", "owner__display_name")
    list_select_related = ("household", "owner", "shopping_list")


class GuidanceInline(admin.TabularInline):
    """The guidance this shopper added (to their household)."""

    model = Guidance
    fields = ("position", "text", "applies_to")
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a line belongs to a household: add it from the Guidance admin


class SelectionInline(admin.TabularInline):
    model = Selection
    fields = ("term", "location_id", "product_id", "description", "quantity", "source", "last_used_at")
    readonly_fields = ("last_used_at",)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a pick belongs to a household: add it from the Selection admin


def _count_of(model):
    # A subquery per count, so two counts never multiply each other's rows through joins.
    rows = model.objects.filter(owner=OuterRef("pk")).order_by().values("owner").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def _extend_user_admin() -> None:
    """Add memory inlines and counts to whichever User admin accounts registered (or Django's)."""
    User = get_user_model()
    base = type(admin.site._registry[User]) if admin.site.is_registered(User) else DjangoUserAdmin

    class ShopperAdmin(base):
        inlines = [*base.inlines, GuidanceInline, SelectionInline]
        list_display = (*base.list_display, "guidance_count", "selection_count")

        def get_queryset(self, request):
            return (
                super()
                .get_queryset(request)
                .annotate(guidance_total=_count_of(Guidance), selection_total=_count_of(Selection))
            )

        @admin.display(description="Guidance", ordering="guidance_total")
        def guidance_count(self, obj) -> int:
            return obj.guidance_total

        @admin.display(description="Picks", ordering="selection_total")
        def selection_count(self, obj) -> int:
            return obj.selection_total

    if admin.site.is_registered(User):
        admin.site.unregister(User)
    admin.site.register(User, ShopperAdmin)


_extend_user_admin()
