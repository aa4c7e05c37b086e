from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from groundswell.accounts.models import AuditEvent, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["branch"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined"]
    raw_id_fields = ["person"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "person")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is appended to by the services, never edited."""

    list_display = ["at", "actor_label", "action", "target", "rows"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
