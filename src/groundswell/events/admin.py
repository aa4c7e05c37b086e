from django.contrib import admin

from groundswell.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "branch", "starts_at", "visibility", "capacity", "going_count"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "place"]
    raw_id_fields = ["branch", "created_by"]
    readonly_fields = ["going_count", "reminder_sent_at"]
