"""Fonts for the PDFs we render (register books, certificates, notices).

Chinese text needs a CJK font that works offline. The font is chosen once per process:

1. `YINZHENG_PDF_FONT` names a TrueType font file (.ttf, or a .ttc collection with
   `YINZHENG_PDF_FONT_INDEX`, default 0). It must load, or rendering fails loudly.
   The value `builtin` forces the built-in font of step 3.
2. Otherwise the first TrueType CJK font found among the usual system paths
   (WenQuanYi Zen Hei / Micro Hei, AR PL UMing / UKai, Droid Sans Fallback, …).
   ReportLab reads TrueType outlines only, so CFF-based fonts such as Noto Sans CJK
   (.otf, or the .ttc of fonts-noto-cjk) are skipped.
3. Otherwise ReportLab's built-in Adobe-GB1 font STSong-Light. It is *not embedded*: a
   PDF reader with Chinese support displays it without any download, but the glyphs
   come from the reader's substitute font, and Pillow cannot draw it (no seal PNG).

A TrueType font from step 1 or 2 is embedded (subset) in every PDF. The bytes of a PDF
depend on the font file, so every process that renders a document whose hash is kept
must use the same font.
"""

import datetime
import hashlib
import os
from functools import cache
from typing import Any

EMBEDDED_NAME = "YinzhengCJK"
BUILTIN_NAME = "STSong-Light"
FONT_ENV = "YINZHENG_PDF_FONT"
INDEX_ENV = "YINZHENG_PDF_FONT_INDEX"

# (path, subfont index), in order of preference. All TrueType outlines.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian/Ubuntu
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora, Alpine
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),  # macOS
    ("C:/Windows/Fonts/simsun.ttc", 0),  # Windows
    ("C:/Windows/Fonts/simhei.ttf", 0),
)


def _load(path: str, index: int):
    from reportlab.pdfbase.ttfonts import TTFont

    # One registered name per file: ReportLab keeps the first font registered under a
    # name, so a second file needs a name of its own.
    tag = hashlib.sha1(f"{path}#{index}".encode()).hexdigest()[:8]
    return TTFont(f"{EMBEDDED_NAME}-{tag}", path, subfontIndex=index)


@cache
def _choice() -> tuple[str, str | None, int]:
    """(registered font name, TrueType file or None, subfont index)."""
    from reportlab.pdfbase import pdfmetrics

    path = os.environ.get(FONT_ENV, "").strip()
    if path and path.lower() != "builtin":
        index = int(os.environ.get(INDEX_ENV, "0") or 0)
        try:
            font = _load(path, index)
        except Exception as exc:  # a set variable that does not work is a config error
            raise RuntimeError(
                f"{FONT_ENV}={path!r} ({INDEX_ENV}={index}) is not a usable TrueType "
                f"font: {exc}"
            ) from exc
        pdfmetrics.registerFont(font)
        return font.fontName, path, index
    if not path:
        for candidate, index in CANDIDATES:
            if not os.path.isfile(candidate):
                continue
            try:
                font = _load(candidate, index)
            except Exception:  # CFF outlines, a damaged file: try the next one
                continue
            pdfmetrics.registerFont(font)
            return font.fontName, candidate, index
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(BUILTIN_NAME))
    return BUILTIN_NAME, None, 0


def cjk_font() -> str:
    """The registered ReportLab name of the CJK font to use."""
    return _choice()[0]


def cjk_font_file() -> tuple[str, int] | None:
    """(path, subfont index) of the embedded TrueType font, or None for STSong-Light."""
    _, path, index = _choice()
    return None if path is None else (path, index)


def font_is_embedded() -> bool:
    """True when PDFs embed a TrueType CJK font (the document renders identically
    everywhere, and Pillow can draw the seal image)."""
    return _choice()[1] is not None


def reset() -> None:
    """Choose the font again on next use (after changing the environment; tests)."""
    _choice.cache_clear()


def date_pdf(canvas: Any, when: datetime.datetime | None) -> None:
    """Date a PDF's metadata (CreationDate, ModDate) at `when`, in the local time zone.

    The documents use ReportLab's invariant mode so that the same input gives the same
    bytes; that mode dates every file 2000-01-01 (issue 16). The time is an input like
    any other: the caller passes the moment the document is made (the issue time of a
    certificate), and the bytes stay a pure function of the input. `None` keeps the
    invariant date (a caller with no moment to give).
    """
    if when is None:
        return
    from django.utils import timezone

    local = timezone.localtime(when) if timezone.is_aware(when) else when
    offset = local.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    stamp = canvas._doc._timeStamp
    stamp.t = when.timestamp()
    stamp.lt = local.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    sign = -1 if minutes < 0 else 1
    hours, rest = divmod(abs(minutes), 60)
    stamp.dhh, stamp.dmm = sign * hours, rest
    stamp.tzname = local.tzname() or "UTC"
