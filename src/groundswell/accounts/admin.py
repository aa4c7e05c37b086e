from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from groundswell.accounts.models import AuditEvent, RoleAssignment, User
from groundswell.accounts.services import role_grant, role_revoke


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["branch"]
    fields = ["role", "branch", "granted_at"]
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    # staff and superuser follow the national admin role, given and taken through the audited
    # role services (the Roles below): never ticked here, where nothing would record it
    readonly_fields = ["last_login", "date_joined", "is_staff", "is_superuser"]
    raw_id_fields = ["person"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "person")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active"]

    def save_formset(self, request, form, formset, change):
        """Role changes made here go through the services, so each is in the audit trail
        (and a national admin gets the admin site, as when granted anywhere else)."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        changed = formset.save(commit=False)
        for gone in formset.deleted_objects:
            role_revoke(user=gone.user, role=gone.role, branch=gone.branch, actor=request.user)
        for assignment in changed:
            if assignment.pk:  # edited in place: what it was is revoked, what it is granted
                was = RoleAssignment.objects.get(pk=assignment.pk)
                role_revoke(user=was.user, role=was.role, branch=was.branch, actor=request.user)
            role_grant(user=form.instance, role=assignment.role, branch=assignment.branch, actor=request.user)
        return None


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
