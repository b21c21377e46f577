"""Forms of the catalogue's staff pages: keeping the lists, items, guides, channels and
clean-ups (`lists`), the admission, exit and filing applications (`applications`)."""

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, declared as a choice field, to set its choices on."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field
