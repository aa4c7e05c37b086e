from django.contrib import admin

from groundswell.members.models import Affiliate, Branch, Membership, Person


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["ons_code", "name"]
    search_fields = ["ons_code", "name"]


@admin.register(Affiliate)
class AffiliateAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["branch", "affiliate"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "postcode", "synthetic", "erased_at"]
    search_fields = ["last_name", "first_name", "email_key", "memberships__membership_number"]
    readonly_fields = ["email_key", "name_key", "created_at", "erased_at"]
    inlines = [MembershipInline]
    show_full_result_count = False
