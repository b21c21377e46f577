"""The round red seal of a committee, as drawn on electronically issued certificates.

A committee seal (村、居民委员会印章): an outer ring, the committee's name along the
upper arc with each character turned to follow it, a five-pointed star in the middle.
This is an image of the seal for the printed page; what makes an electronic certificate
authentic is the PAdES signature and the QR token (esign), not this picture.

One geometry (`layout`), two ways to draw it:

- `draw_seal` paints it as vector graphics on a ReportLab canvas, with the same CJK font
  as the rest of the PDF. It works with the built-in STSong-Light font too, so every PDF
  gets a crisp seal.
- `seal_png` rasterises it with Pillow, which needs the TrueType font file that
  `yinzheng.core.pdf` picked. With only the built-in font there is no file to draw from,
  and it raises RuntimeError naming YINZHENG_PDF_FONT. (ReportLab's renderPM would need
  the same TrueType file plus rlPyCairo, so it adds nothing here.)
"""

import io
import math
from dataclasses import dataclass
from functools import lru_cache

SEAL_RED = "#E0201B"
_RED_RGB = (0xE0, 0x20, 0x1B)


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # centre of the character, seal centre at (0, 0), y upwards
    y: float
    rotation: float  # degrees, counter-clockwise; the top of the glyph faces outwards
    height: float  # em size
    hscale: float  # horizontal condensing (seal characters are taller than wide)


@dataclass(frozen=True)
class SealLayout:
    radius: float
    ring_width: float  # the ring is stroked centred on radius - ring_width / 2
    star: tuple[tuple[float, float], ...]  # ten points, outer and inner alternating
    glyphs: tuple[Glyph, ...]


def layout(committee_name: str, radius: float) -> SealLayout:
    """Where everything goes on a seal of this radius (any unit)."""
    name = "".join(committee_name.split())
    ring = 0.055 * radius
    star_r = 0.34 * radius
    star = tuple(
        (
            (star_r if i % 2 == 0 else star_r * 0.382)
            * math.cos(math.radians(90 + 36 * i)),
            (star_r if i % 2 == 0 else star_r * 0.382)
            * math.sin(math.radians(90 + 36 * i)),
        )
        for i in range(10)
    )
    glyphs: list[Glyph] = []
    n = len(name)
    if n:
        height = 0.25 * radius
        # The arc widens with the name, from 150° for a short name up to 290°.
        span = min(290.0, max(150.0, 24.0 * n))
        centre_r = radius - ring - 0.07 * radius - height / 2
        step = span / n
        arc_per_char = centre_r * math.radians(step)
        width = min(0.92 * height, 0.9 * arc_per_char)
        if width < 0.5 * height:  # very long names: smaller, not thinner than half
            height = width / 0.5
            centre_r = radius - ring - 0.07 * radius - height / 2
        first = 90.0 + span / 2 - step / 2
        for i, char in enumerate(name):
            angle = first - i * step
            glyphs.append(
                Glyph(
                    char=char,
                    x=centre_r * math.cos(math.radians(angle)),
                    y=centre_r * math.sin(math.radians(angle)),
                    rotation=angle - 90.0,
                    height=height,
                    hscale=width / height,
                )
            )
    return SealLayout(radius=radius, ring_width=ring, star=star, glyphs=tuple(glyphs))


# The centre of a CJK em box sits this far above the baseline (em box from -0.12 to 0.88).
_EM_MIDDLE = 0.38


def draw_seal(
    canvas,
    *,
    committee_name: str,
    cx: float,
    cy: float,
    diameter: float,
    font_name: str | None = None,
    alpha: float = 0.9,
) -> None:
    """Paint the seal on a ReportLab canvas, centred at (cx, cy), in points.

    Drawn in the Multiply blend mode, as ink: red on white paper, the black text under
    it stays readable.
    """
    from reportlab.lib.colors import HexColor

    from yinzheng.core.pdf import cjk_font

    font_name = font_name or cjk_font()
    seal = layout(committee_name, diameter / 2)
    red = HexColor(SEAL_RED)
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    canvas.setFillAlpha(alpha)
    canvas.setStrokeAlpha(alpha)
    canvas.setFillColor(red)
    canvas.setStrokeColor(red)
    canvas.translate(cx, cy)
    canvas.setLineWidth(seal.ring_width)
    canvas.circle(0, 0, seal.radius - seal.ring_width / 2, stroke=1, fill=0)
    path = canvas.beginPath()
    path.moveTo(*seal.star[0])
    for point in seal.star[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    for g in seal.glyphs:
        canvas.saveState()
        canvas.translate(g.x, g.y)
        canvas.rotate(g.rotation)
        canvas.scale(g.hscale, 1)
        canvas.setFont(font_name, g.height)
        canvas.drawCentredString(0, -_EM_MIDDLE * g.height, g.char)
        canvas.restoreState()
    canvas.restoreState()


@lru_cache(maxsize=32)
def _pil_font(path: str, index: int, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size, index=index)


def seal_png(committee_name: str, *, size_px: int = 600) -> bytes:
    """The seal as a PNG with a transparent background, size_px × size_px.

    Needs the embedded TrueType font (see yinzheng.core.pdf): RuntimeError otherwise.
    """
    from PIL import Image, ImageDraw

    from yinzheng.core.pdf import FONT_ENV, cjk_font_file

    font_file = cjk_font_file()
    if font_file is None:
        raise RuntimeError(
            "The seal image needs a TrueType CJK font: set "
            f"{FONT_ENV} to one (e.g. /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc "
            "from fonts-wqy-zenhei); the built-in STSong-Light cannot be drawn by Pillow."
        )
    path, index = font_file
    scale = 3  # draw large, then reduce: Pillow's lines and polygons are not smoothed
    big = size_px * scale
    half = big / 2
    seal = layout(committee_name, half * 0.98)
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    r = seal.radius
    draw.ellipse(
        (half - r, half - r, half + r, half + r),
        outline=255,
        width=max(1, round(seal.ring_width)),
    )
    draw.polygon([(half + x, half - y) for x, y in seal.star], fill=255)
    for g in seal.glyphs:
        size = max(1, round(g.height))
        font = _pil_font(path, index, size)
        side = round(size * 1.2)  # the em box and a little room
        tile = Image.new("L", (side, side), 0)
        # "ms": middle of the advance, on the baseline, as draw_seal places it.
        ImageDraw.Draw(tile).text(
            (side / 2, side / 2 + _EM_MIDDLE * size),
            g.char,
            font=font,
            fill=255,
            anchor="ms",
        )
        tile = tile.resize(
            (max(1, round(side * g.hscale)), side), Image.Resampling.BILINEAR
        )
        tile = tile.rotate(g.rotation, resample=Image.Resampling.BILINEAR, expand=True)
        left = round(half + g.x - tile.width / 2)
        top = round(half - g.y - tile.height / 2)
        mask.paste(255, (left, top), tile)
    mask = mask.reduce(scale)  # box filter: the smoothing of the supersampling
    image = Image.new("RGBA", (size_px, size_px), (*_RED_RGB, 0))
    image.putalpha(mask)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
