from django import forms
from django.utils.translation import gettext_lazy as _


class StaffForm(forms.Form):
    """Labels end in a full-width colon (a half-width one in English). Form.__init__
    sets `label_suffix` on the instance, so a class attribute would be overwritten."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", _("："))
        super().__init__(*args, **kwargs)
