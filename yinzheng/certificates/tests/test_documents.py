"""The certificate, refusal-notice and commitment PDFs, and the seal image.

Text and pixels are read back with poppler (pdftotext, pdftoppm) where it is installed;
those tests skip and say so elsewhere (CI installs it).
"""

import dataclasses
import datetime
import io
import os
import re
import shutil
import subprocess

import pytest

from yinzheng.certificates import documents
from yinzheng.certificates.documents import (
    CertificateDoc,
    CommitmentDoc,
    RefusalDoc,
    render_certificate,
    render_commitment,
    render_refusal,
)
from yinzheng.core import pdf
from yinzheng.core.seal_image import layout, seal_png

COMMITTEE = "清泉镇城关村村民委员会"
A4_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*0 0 595\.2756\d* 841\.8898\d*\s*\]")


def certificate(**changes) -> CertificateDoc:
    doc = CertificateDoc(
        serial="620725101001-2026-000123",
        committee_name=COMMITTEE,
        committee_code="620725101001",
        title="居住证明",
        body="系本村村民，自2010年3月起居住于城关村三社12号至今。",
        resident_name="张三丰",
        id_number_masked="620725********1234",
        requiring_unit="山丹县人民医院",
        purpose="办理住院报销",
        issue_date=datetime.date(2026, 1, 5),
        catalogue_version="山丹县出具证明事项清单 v3",
        electronic=True,
    )
    return dataclasses.replace(doc, **changes)


def refusal(**changes) -> RefusalDoc:
    values = dict(
        notice_no="620725101001-BY-2026-0007",
        committee_name=COMMITTEE,
        committee_code="620725101001",
        resident_name="李四",
        item_name="健在证明",
        request_date=datetime.date(2026, 1, 4),
        notice_date=datetime.date(2026, 1, 5),
        reasons=["该事项列入不应由村（居）委会出具的证明事项清单。"],
        route="由养老金发放机构通过人脸识别等方式进行资格认证。",
        responsible_department="山丹县人力资源和社会保障局",
        basis="《不应由基层群众性自治组织出具证明事项清单（第一批）》第10项",
    )
    values.update(changes)
    return RefusalDoc(**values)


def commitment(**changes) -> CommitmentDoc:
    doc = CommitmentDoc(
        number="620725101001-CN-2026-0001",
        committee_name=COMMITTEE,
        resident_name="王五",
        id_number_masked="620725********4321",
        item_name="居住证明",
        notification="申请人应当如实说明居住情况。\n承诺不实的，依法承担责任并记入信用记录。",
        commitment="本人承诺自2015年起在本村居住，所述情况真实。",
        date=datetime.date(2026, 1, 5),
    )
    return dataclasses.replace(doc, **changes)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (apt-get install poppler-utils)")
    return path


def pdf_text(data: bytes, tmp_path, *, raw: bool = False) -> str:
    """The text poppler reads; raw: in drawing order (keeps rotated words whole)."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    out = subprocess.run(
        [_poppler("pdftotext"), *(["-raw"] if raw else []), str(source), "-"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def pdf_png(data: bytes, tmp_path):
    from PIL import Image

    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    subprocess.run(
        [_poppler("pdftoppm"), "-r", "50", "-png", "-singlefile", str(source)]
        + [str(tmp_path / "page")],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def rgb(image) -> list[tuple[int, int, int]]:
    data = image.convert("RGB").tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def red_pixels(image) -> list[tuple[int, int]]:
    width = image.width
    return [
        (i % width, i // width)
        for i, (r, g, b) in enumerate(rgb(image))
        if r > 180 and g < 90 and b < 90
    ]


def assert_one_a4_page(data: bytes, tmp_path) -> None:
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", data)) == 1
    assert A4_MEDIABOX.search(data)
    if shutil.which("pdfinfo"):
        source = tmp_path / "info.pdf"
        source.write_bytes(data)
        info = subprocess.run(
            ["pdfinfo", str(source)], capture_output=True, check=True, text=True
        ).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M)
        assert "(A4)" in info


@pytest.fixture
def font_env(monkeypatch):
    """Set YINZHENG_PDF_FONT for one test; the font is chosen again afterwards."""

    def use(value: str) -> None:
        monkeypatch.setenv(pdf.FONT_ENV, value)
        monkeypatch.delenv(pdf.INDEX_ENV, raising=False)
        pdf.reset()

    yield use
    pdf.reset()


# --- the certificate (REQ-047) ---------------------------------------------------


@pytest.mark.parametrize("electronic", [True, False], ids=["electronic", "physical"])
def test_certificate_is_one_a4_page(electronic, tmp_path):
    assert_one_a4_page(render_certificate(certificate(electronic=electronic)), tmp_path)


def test_certificate_is_the_same_bytes_for_the_same_input():
    """The approval binds the SHA-256 of the rendered certificate (design §3)."""
    doc = certificate()
    assert render_certificate(doc) == render_certificate(certificate())
    assert render_certificate(doc) != render_certificate(certificate(purpose="入学"))


def test_certificate_text_shows_title_serial_committee_resident_and_footer(tmp_path):
    doc = certificate(qr_payload="HTTPS://YZ.EXAMPLE/V/YZ2:TEST")
    text = pdf_text(render_certificate(doc), tmp_path)
    for wanted in (
        "居住证明",
        "620725101001-2026-000123",
        COMMITTEE,
        "张三丰",
        "620725********1234",
        "山丹县人民医院",
        "办理住院报销",
        "2026年1月5日",
        "特此证明。",
        "本证明可扫描二维码核验",
        "清单版本：山丹县出具证明事项清单 v3",
    ):
        assert wanted in text, wanted


def test_electronic_certificate_has_the_red_seal_and_physical_one_a_stamp_box(
    tmp_path,
):
    electronic = pdf_png(render_certificate(certificate(electronic=True)), tmp_path)
    red = red_pixels(electronic)
    assert len(red) > 300
    # Where the seal goes: right half, between the title and the footer.
    width, height = electronic.size
    assert all(x > width / 2 and height * 0.25 < y < height * 0.8 for x, y in red)

    physical_pdf = render_certificate(certificate(electronic=False))
    assert red_pixels(pdf_png(physical_pdf, tmp_path)) == []
    assert "盖章处" in pdf_text(physical_pdf, tmp_path)


def test_a_draft_says_so_and_has_no_seal_and_no_qr(tmp_path):
    """Issue 14: the PDF a clerk could download before approval had the red seal and
    the QR and no 草稿 mark."""
    draft_pdf = render_certificate(
        certificate(electronic=True, draft=True, qr_payload="HTTPS://YZ.EXAMPLE/V/X")
    )
    text = pdf_text(draft_pdf, tmp_path)
    assert "草稿·未生效" in text
    rotated = pdf_text(draft_pdf, tmp_path, raw=True).replace("\n", "")
    assert "不具有证明效力" in rotated
    assert "本证明可扫描二维码核验" not in text
    image = pdf_png(draft_pdf, tmp_path)
    width, height = image.size
    # Solid red only in the small mark at the top; the seal's place stays empty.
    red = red_pixels(image)
    assert red and all(y < height * 0.06 for _x, y in red)
    # No QR: the footer's square holds no dark modules.
    qr_box = image.crop((0, int(height * 0.85), int(width * 0.25), height))
    assert not [p for p in rgb(qr_box) if sum(p) < 150]
    issued = render_certificate(
        certificate(electronic=True, qr_payload="HTTPS://YZ.EXAMPLE/V/X")
    )
    assert "草稿" not in pdf_text(issued, tmp_path)
    issued_qr = pdf_png(issued, tmp_path).crop(
        (0, int(height * 0.85), int(width * 0.25), height)
    )
    assert [p for p in rgb(issued_qr) if sum(p) < 150]


def test_a_paper_certificate_without_a_qr_does_not_promise_one(tmp_path):
    text = pdf_text(render_certificate(certificate(electronic=False)), tmp_path)
    assert "本证明可扫描二维码核验" not in text
    assert "凭编号" in text


def test_template_placeholders_are_substituted(tmp_path):
    doc = certificate(
        template_text="兹证明{resident_name}（身份证号{id_number}）{body}\n"
        "用于{purpose}，交{requiring_unit}。\n{committee_name} {date}",
    )
    text = pdf_text(render_certificate(doc), tmp_path)
    assert "兹证明张三丰（身份证号620725********1234）系本村村民" in text
    assert "用于办理住院报销，交山丹县人民医院。" in text
    assert "{" not in text


def test_unknown_braces_in_the_template_stay_as_they_are(tmp_path):
    doc = certificate(template_text="{resident_name}{unknown} {0} {{x}} {date:%Y} {")
    text = pdf_text(render_certificate(doc), tmp_path)
    assert "张三丰{unknown} {0} {{x}} {date:%Y} {" in text


def test_template_without_placeholders_is_a_sample_and_the_default_wording_is_used():
    doc = certificate(
        template_text="（示例）居住证明：兹证明某某（身份证号）……特此证明。"
    )
    paragraphs = [text for text, _ in documents.certificate_paragraphs(doc)]
    assert not any("某某" in text for text in paragraphs)
    assert paragraphs[1].startswith("兹证明张三丰（公民身份号码：620725********1234）")


def test_default_wording_names_the_resident_once_and_closes_with_te_ci_zheng_ming():
    doc = certificate(
        body="兹证明张三丰系本村村民。\n其父张某已于2020年去世。\n特此证明。",
        requiring_unit="",
    )
    assert documents.certificate_paragraphs(doc) == [
        ("兹证明张三丰（公民身份号码：620725********1234）系本村村民。", True),
        ("其父张某已于2020年去世。", True),
        ("用途：办理住院报销", True),
        ("特此证明。", True),
    ]


def test_long_content_is_shrunk_onto_the_one_page(tmp_path):
    body = "\n".join(["系本村村民，经入户核实，情况属实，家庭成员若干。"] * 60)
    assert_one_a4_page(render_certificate(certificate(body=body)), tmp_path)


def test_sample_certificate_carries_the_shi_li_watermark(tmp_path):
    def marks(doc) -> str:
        return "".join(pdf_text(render_certificate(doc), tmp_path, raw=True).split())

    assert "示例演示数据，不具有证明效力" in marks(certificate(sample=True))
    assert "示例" not in marks(certificate())


def test_qr_payload_fills_the_reserved_square(tmp_path):
    def dark_in_qr_square(doc):
        image = pdf_png(render_certificate(doc), tmp_path)
        # 25 mm square, 25 mm from the left and bottom edges; 50 dpi.
        px = 50 / 25.4
        left, bottom, size = round(25 * px), image.height - round(25 * px), 25 * px
        box = (left + 3, round(bottom - size) + 3, round(left + size) - 3, bottom - 3)
        return sum(1 for r, g, b in rgb(image.crop(box)) if r + g + b < 150)

    assert dark_in_qr_square(certificate(qr_payload=None)) == 0
    assert dark_in_qr_square(certificate(qr_payload="https://yz.example/v/abc")) > 100


# --- the refusal notice (REQ-036, REQ-049) -----------------------------------------


@pytest.mark.parametrize("field", ["route", "responsible_department"])
@pytest.mark.parametrize("value", ["", "   "])
def test_refusal_notice_without_route_or_department_is_refused(field, value):
    """REQ-049: no "not issued" without where to go and who is responsible."""
    with pytest.raises(ValueError, match="REQ-049"):
        refusal(**{field: value})


def test_refusal_notice_shows_reasons_route_department_and_basis(tmp_path):
    data = render_refusal(refusal())
    assert_one_a4_page(data, tmp_path)
    text = pdf_text(data, tmp_path)
    for wanted in (
        "不予出具证明告知书",
        "620725101001-BY-2026-0007",
        COMMITTEE,
        "李四",
        "健在证明",
        "该事项列入不应由村（居）委会出具的证明事项清单。",
        "办事途径",
        "由养老金发放机构通过人脸识别等方式进行资格认证。",
        "责任部门",
        "山丹县人力资源和社会保障局",
        "第10项",
        "如对本告知有异议",
        "2026年1月5日",
    ):
        assert wanted in text, wanted


def test_refusal_notice_is_the_same_bytes_for_the_same_input():
    assert render_refusal(refusal()) == render_refusal(refusal())


# --- the notification-commitment (REQ-082) -----------------------------------------


def test_commitment_shows_notification_commitment_and_signature_lines(tmp_path):
    data = render_commitment(commitment(sample=True))
    assert_one_a4_page(data, tmp_path)
    assert data == render_commitment(commitment(sample=True))
    text = "".join(pdf_text(data, tmp_path, raw=True).split())
    for wanted in (
        "证明事项告知承诺书",
        "620725101001-CN-2026-0001",
        "王五",
        "620725********4321",
        "告知内容",
        "承诺不实的，依法承担责任并记入信用记录。",
        "承诺内容",
        "本人承诺自2015年起在本村居住",
        "承诺人（签字）：",
        "签字日期：年月日",
        "示例演示数据",
    ):
        assert wanted in text, wanted


# --- what every printed document leaves out, and its metadata (issue 16) ---------

REQ_ID = re.compile(r"REQ-\d+")


def _documents():
    return {
        "certificate": render_certificate(certificate()),
        "draft": render_certificate(certificate(draft=True)),
        "refusal": render_refusal(refusal()),
        "commitment": render_commitment(commitment()),
    }


def test_no_printed_document_shows_an_internal_requirement_id(tmp_path):
    """Issue 16: REQ ids are the system's own references, never on paper."""
    for name, data in _documents().items():
        text = pdf_text(data, tmp_path, raw=True)
        assert not REQ_ID.search(text), (name, REQ_ID.findall(text))


def test_the_certificate_prints_the_holders_id_number_as_its_template_says(tmp_path):
    """Issue 16: 兹证明某某（身份证号）: the certificate is the holder's own document,
    the ID number is printed in full."""
    doc = certificate(id_number="620725199001011234")
    text = "".join(pdf_text(render_certificate(doc), tmp_path).split())
    assert "兹证明张三丰（公民身份号码：620725199001011234）" in text


def test_the_id_number_follows_the_name_when_the_facts_already_name_the_holder():
    doc = certificate(
        id_number="620725199001011234",
        body="兹证明张三丰系本村村民。\n特此证明。",
        template_text="（示例）居住证明：兹证明某某（身份证号）……特此证明。",
    )
    paragraphs = [text for text, _ in documents.certificate_paragraphs(doc)]
    assert "兹证明张三丰（公民身份号码：620725199001011234）系本村村民。" in paragraphs


def _creation_date(data: bytes) -> bytes:
    match = re.search(rb"/CreationDate \(D:(\d{14})", data)
    assert match, "no CreationDate"
    return match.group(1)


def test_pdf_metadata_carries_the_time_the_document_was_made():
    """Issue 16: not ReportLab's invariant 2000-01-01, the time given (Beijing time);
    the same time still gives the same bytes."""
    made = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    docs = {
        "certificate": lambda: render_certificate(certificate(made_at=made)),
        "refusal": lambda: render_refusal(refusal(made_at=made)),
        "commitment": lambda: render_commitment(commitment(made_at=made)),
    }
    for name, render in docs.items():
        data = render()
        assert _creation_date(data) == b"20260105173000", name
        assert b"+08'00'" in data, name
        assert render() == data, name


# --- the seal image --------------------------------------------------------------


def test_seal_layout_puts_the_name_on_the_upper_arc_left_to_right():
    seal = layout(COMMITTEE, 100)
    assert "".join(g.char for g in seal.glyphs) == COMMITTEE
    xs = [g.x for g in seal.glyphs]
    assert xs[0] < 0 < xs[-1]
    middle = seal.glyphs[len(seal.glyphs) // 2]
    assert middle.y > 0 and abs(middle.rotation) < 1e-9
    assert all((g.x**2 + g.y**2) ** 0.5 + g.height / 2 < 100 for g in seal.glyphs)
    assert len(seal.star) == 10


def test_seal_png_is_red_round_and_transparent_outside():
    if not pdf.font_is_embedded():
        pytest.skip("no TrueType CJK font here (apt-get install fonts-wqy-zenhei)")
    from PIL import Image

    data = seal_png(COMMITTEE, size_px=300)
    assert data == seal_png(COMMITTEE, size_px=300)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (300, 300)
    assert image.getpixel((2, 2))[3] == 0  # corner: outside the ring
    assert image.getpixel((150, 150))[:3] == (0xE0, 0x20, 0x1B)  # the star
    assert image.getpixel((150, 150))[3] > 200
    assert image.getpixel((150, 3))[3] > 100  # the ring at the top


def test_seal_png_without_truetype_font_names_the_setting(font_env, tmp_path):
    font_env("builtin")
    with pytest.raises(RuntimeError, match="YINZHENG_PDF_FONT"):
        seal_png(COMMITTEE)
    # The PDF draws the seal as vectors, with the built-in font too.
    image = pdf_png(render_certificate(certificate()), tmp_path)
    assert len(red_pixels(image)) > 300


# --- fonts (core.pdf) ------------------------------------------------------------


def test_configured_truetype_font_is_embedded(font_env):
    found = [p for p, _ in pdf.CANDIDATES if os.path.isfile(p)]
    if not found:
        pytest.skip("no TrueType CJK font here (apt-get install fonts-wqy-zenhei)")
    font_env(found[0])
    assert pdf.font_is_embedded()
    assert pdf.cjk_font_file() == (found[0], 0)
    assert b"/FontFile2" in render_certificate(certificate())


def test_builtin_font_is_not_embedded(font_env):
    font_env("builtin")
    assert not pdf.font_is_embedded()
    assert pdf.cjk_font() == pdf.BUILTIN_NAME
    data = render_certificate(certificate())
    assert data.startswith(b"%PDF-") and b"/FontFile2" not in data


def test_configured_font_that_does_not_load_fails_loudly(font_env, tmp_path):
    font_env(str(tmp_path / "missing.ttf"))
    with pytest.raises(RuntimeError, match="YINZHENG_PDF_FONT"):
        render_certificate(certificate())
