"""Rates and subscriptions are set in the admin; the ledger is read-only there (append-only)."""

from django.contrib import admin

from groundswell.lifecycle.models import Payment, Rate, Subscription


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["name", "amount_pence", "period_months", "grace_months", "is_default"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["membership", "rate"]
    raw_id_fields = ["membership"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["paid_on", "kind", "amount_pence", "method", "reference", "membership", "source", "line"]
    list_filter = ["kind", "method"]
    search_fields = ["reference", "external_id"]
    list_select_related = ["membership", "source"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
