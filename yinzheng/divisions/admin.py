from django.contrib import admin

from .models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "status"]
    list_filter = ["level", "kind", "status"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "merged_into"]
    show_full_result_count = False

    # The tree changes only through the importer and the audited merge/abolish services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
