"""Fonts for the PDFs we render (register books, certificates, notices).

Chinese text needs a CJK font that works offline. When YINZHENG_PDF_FONT names a TrueType
font file (.ttf, or .ttc with YINZHENG_PDF_FONT_INDEX), it is embedded (subset) in every
PDF; otherwise ReportLab's built-in Adobe-GB1 font STSong-Light is used, which every PDF
reader with Chinese support displays without any download.
"""

import os
from functools import cache

EMBEDDED_NAME = "YinzhengCJK"
BUILTIN_NAME = "STSong-Light"


@cache
def cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    path = os.environ.get("YINZHENG_PDF_FONT", "").strip()
    if path:
        from reportlab.pdfbase.ttfonts import TTFont

        index = int(os.environ.get("YINZHENG_PDF_FONT_INDEX", "0") or 0)
        pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, path, subfontIndex=index))
        return EMBEDDED_NAME
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(BUILTIN_NAME))
    return BUILTIN_NAME
