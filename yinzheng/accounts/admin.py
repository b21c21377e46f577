from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import TokenProxy

from yinzheng.core.errors import DomainError
from yinzheng.ledger import audit

from . import services
from .models import LoginFailure, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "division", "department", "granted_at", "revoked_at"]
    readonly_fields = ["role", "division", "department", "granted_at", "revoked_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Grants are given through the service (policy + audit), not here.
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("印证", {"fields": ("full_name", "phone")}),
    )
    list_display = ["username", "full_name", "is_active", "is_superuser"]
    inlines = [RoleGrantInline]
    actions = ["unlock_logins"]

    AUDITED = ["username", "full_name", "is_active", "is_staff", "is_superuser"]

    def save_model(self, request, obj, form, change):
        """Every change an administrator makes here lands in the audit trail."""
        before = None
        if change:
            old = User.objects.get(pk=obj.pk)
            before = audit.snapshot(old, self.AUDITED)
            before["password_changed"] = False
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, self.AUDITED)
        if change:
            after["password_changed"] = "password" in form.changed_data
        audit.record(
            actor=request.user,
            event="user.changed_by_admin" if change else "user.created_by_admin",
            subject=obj,
            before=before,
            after=after,
        )

    @admin.action(description=gettext_lazy("解除所选用户的登录限制"))
    def unlock_logins(self, request, queryset):
        """Clear the failed logins of the selected accounts, from every address."""
        done = 0
        for user in queryset:
            try:
                services.login_unlock(actor=request.user, username=user.username)
            except DomainError as exc:
                self.message_user(
                    request, f"{user.username}：{exc.message}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, _("已解除 %d 个用户的登录限制") % done)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "role",
        "division",
        "department",
        "granted_at",
        "revoked_at",
    ]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "division__code", "division__name"]
    raw_id_fields = ["user", "division", "granted_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "at"]
    search_fields = ["username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# API tokens are issued by `yinzheng token`, which records it in the audit trail.
admin.site.unregister(TokenProxy)
