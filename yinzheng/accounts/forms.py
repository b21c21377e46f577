from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from yinzheng.core.errors import LoginThrottled

from . import services


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ThrottledMixin(AuthenticationForm):
    """Counts failed logins and refuses a throttled username (accounts.services)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "throttled": LoginThrottled.message,
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else None
        if services.login_throttled(username=username, address=address):
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, address=address)
            raise
        services.login_failures_clear(username=username)
        return cleaned


class ThrottledLoginForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminLoginForm(ThrottledMixin, AdminAuthenticationForm):
    pass
