"""Read-only views of the seal registry: every change goes through seals.services."""

from django.contrib import admin

from .models import (
    CollectionTask,
    Custody,
    Handover,
    HandoverItem,
    LossReport,
    Seal,
    TakeOut,
)


class ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Seal)
class SealAdmin(ReadOnly):
    list_display = ["serial", "imprint", "committee", "form", "status", "issued_on"]
    list_filter = ["status", "form"]
    search_fields = ["serial", "imprint", "committee__code", "committee__name"]
    raw_id_fields = ["committee", "issuer", "replaces"]


@admin.register(Custody)
class CustodyAdmin(ReadOnly):
    list_display = ["seal", "custodian", "appointed_by", "since", "until"]
    raw_id_fields = ["seal", "custodian", "appointed_by", "handover"]


@admin.register(LossReport)
class LossReportAdmin(ReadOnly):
    list_display = ["seal", "lost_on", "reported_by", "reported_at", "closed_at"]
    raw_id_fields = ["seal", "reissued_seal"]


@admin.register(CollectionTask)
class CollectionTaskAdmin(ReadOnly):
    list_display = ["committee", "reason", "opened_at", "closed_at"]
    raw_id_fields = ["committee"]


@admin.register(TakeOut)
class TakeOutAdmin(ReadOnly):
    list_display = ["seal", "purpose", "status", "out_at", "due_back_at", "returned_at"]
    list_filter = ["status"]
    raw_id_fields = ["seal"]


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    can_delete = False
    fields = ["position", "description", "seal", "checked", "checked_at"]
    readonly_fields = ["position", "description", "seal", "checked", "checked_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ["committee", "trigger", "trigger_date", "due_on", "status"]
    list_filter = ["status", "trigger"]
    raw_id_fields = ["committee"]
    inlines = [HandoverItemInline]
