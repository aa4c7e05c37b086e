from django.contrib import admin

from groundswell.motions.models import Motion, MotionRules


@admin.register(MotionRules)
class MotionRulesAdmin(admin.ModelAdmin):
    """The organisation sets its support threshold and voting periods here (one row)."""

    list_display = ["__str__", "vote_days", "amendment_vote_days"]

    def has_add_permission(self, request) -> bool:
        return not MotionRules.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    list_display = ["title", "branch", "subject", "status", "support_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "subject"]
    raw_id_fields = ["branch", "proposer", "created_by", "ballot", "composite"]
    readonly_fields = ["support_count", "version", "status"]
