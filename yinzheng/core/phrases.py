"""Words the system writes into a record itself — "verified", "refused", "the seal has
been taken out of use" — are kept as a code beside the person's own words, and put
into words when the record is read (issue 16). A reason stored already worded would
stay in the language of whoever caused it; kept as a code it reads in the reader's.

A model keeps the pair as `<field>_code` (a TextChoices value, or "") and `<field>`
(what a person wrote, or "") and reads them with `worded`.
"""

from typing import Any

from django.utils.translation import gettext as _


def worded(label: Any, text: str) -> str:
    """The system's words (a choice's label) and a person's, in the reader's language:
    "已核实：居住事实" / "Verified: 居住事实"; either alone when the other is empty."""
    text = text or ""
    if not label:
        return text
    if not text:
        return str(label)
    return _("%(label)s：%(text)s") % {"label": label, "text": text}
