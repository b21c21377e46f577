"""Small real files for upload tests: a PDF that opens (reportlab), a PNG and a JPEG
that decode (Pillow). Since issue 13 an upload is typed by its parsed content, so a
"%PDF-1.4 …" string is no longer a PDF."""

import io


def pdf_bytes(text: str = "test document", pages: int = 1) -> bytes:
    """A PDF of `pages` pages with `text` on the first (ASCII text: the built-in font)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for number in range(pages):
        pdf.drawString(72, 720, text if number == 0 else f"page {number + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (120, 40)) -> bytes:
    """An image in Pillow's format `fmt` ("PNG", "JPEG", "GIF", "WEBP", "TIFF")."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).line([(5, size[1] - 5), (size[0] - 5, 5)], fill="black")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def png_bytes() -> bytes:
    return image_bytes("PNG")
