from django.contrib import admin

from bank.models import Account, Customer, Order, OrderItem, Product, Transfer
from common.admin import DateHierarchyAdmin, ReadOnlyAdmin


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "id"]
    search_fields = ["name", "id"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "id"]
    search_fields = ["name", "id"]
    list_filter = ["price"]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(DateHierarchyAdmin):
    """Orders are placed through the API, which computes the subtotal from the prices of the
    day: a hand edit of its products or subtotal would make them disagree. Staff may still
    delete one."""

    list_display = ["id", "customer", "product_names", "subtotal", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["id", "customer__name", "products__name"]
    list_select_related = ["customer"]
    inlines = [OrderItemInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("products")

    @admin.display(description="products")
    def product_names(self, order):
        return ", ".join(p.name for p in order.products.all())


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "balance", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["id", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]

    def get_readonly_fields(self, request, obj=None):
        # After opening, money moves only by transfers, so the ledger keeps matching.
        return ["balance"] if obj else []


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    """The ledger is append-only: the admin shows it but cannot change it, which would
    make it disagree with the balances."""

    list_display = ["created_at", "source", "destination", "amount"]
    list_filter = ["created_at"]
    search_fields = ["id", "source__id", "destination__id", "source__customer__name"]
    list_select_related = ["source", "destination"]
    date_hierarchy = "created_at"
