from django.contrib import admin

from .models import Chain, Entry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Chain)
class ChainAdmin(ReadOnly):
    list_display = ["key", "kind", "division", "head_seq"]
    search_fields = ["key"]


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ["chain", "seq", "event", "subject", "recorded_at"]
    list_filter = ["event"]
    search_fields = ["subject"]
    show_full_result_count = False
