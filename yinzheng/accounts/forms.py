from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from yinzheng.core.clients import client_address
from yinzheng.core.errors import LoginThrottled

from . import services


class ThrottledMixin(AuthenticationForm):
    """Login throttled per account and client address (accounts.services): a pair or an
    address that must wait is refused before the password is checked."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "throttled": LoginThrottled.message,
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        try:
            services.login_check(username=username, address=address)
        except LoginThrottled as exc:
            raise forms.ValidationError(exc.message, code="throttled") from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failed(username=username, address=address)
            raise
        services.login_succeeded(username=username, address=address)
        return cleaned


class ThrottledLoginForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminLoginForm(ThrottledMixin, AdminAuthenticationForm):
    pass
