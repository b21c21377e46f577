"""The English catalogue: complete, compiled, and actually used.

The source language is Chinese (msgids are Chinese); English is the second language.
The compiled .mo is committed so that a machine without gettext still runs English,
hence the check that it matches the .po it was built from.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s, %s, %d, %% … as Python's %-formatting reads them.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key gettext uses in the compiled catalogue."""
        if self.msgctxt is None:
            return self.msgid
        return f"{self.msgctxt}\x04{self.msgid}"

    def __str__(self) -> str:
        return f"{PO_PATH.name}:{self.line} {self.msgid!r}"


def _unquote(text: str, lineno: int) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        raise ValueError(f"line {lineno}: expected a quoted string, got {text!r}")
    # PO escapes (\n, \t, \", \\) are a subset of Python's.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: comments, flags, msgctxt, plurals, multi-line strings.

    Obsolete entries (#~) are skipped, as msgfmt skips them. The header (msgid "")
    is returned like any other entry.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which string continues
    awaiting_msgid = False  # a msgctxt was read; its msgid belongs to the same entry

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith('"'):
            if target is None or current is None:
                raise ValueError(f"line {lineno}: continuation without a keyword")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line, lineno)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line, lineno))
            continue
        keyword, _, rest = line.partition(" ")
        value = _unquote(rest, lineno)
        if keyword == "msgctxt" or (keyword == "msgid" and not awaiting_msgid):
            finish()
        awaiting_msgid = keyword == "msgctxt"
        if current is None:
            current = Entry(flags=flags, line=lineno)
            flags = set()
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            target = (keyword, None)
        elif keyword == "msgstr":
            current.msgstr[0] = value
            target = ("msgstr", 0)
        elif match:
            index = int(match.group(1))
            current.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise ValueError(f"line {lineno}: unknown keyword {keyword!r}")
    finish()
    return entries


def _header(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    fields = {}
    for item in header.msgstr[0].splitlines():
        name, _, value = item.partition(":")
        fields[name.strip()] = value.strip()
    return fields


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid != ""]


@pytest.fixture(scope="module")
def compiled() -> gettext.GNUTranslations:
    with MO_PATH.open("rb") as fh:
        return gettext.GNUTranslations(fh)


# --- the parser itself -------------------------------------------------------------


def test_parser_reads_multi_line_strings_plurals_context_and_flags(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: en\\n"',
                "",
                "#: a.py:1",
                "#, fuzzy, python-format",
                'msgid ""',
                '"第一行"',
                '"第二行 %(n)s"',
                'msgstr "Line one "',
                '"line two %(n)s"',
                "",
                'msgctxt "动词"',
                'msgid "撤销"',
                'msgstr "Revoke"',
                "",
                'msgid "条"',
                'msgid_plural "条"',
                'msgstr[0] "item"',
                'msgstr[1] "items \\"quoted\\""',
                "",
                '#~ msgid "旧"',
                '#~ msgstr "old"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    header, multi, ctxt, plural = parse_po(po)
    assert header.msgid == "" and header.msgstr == {0: "Language: en\n"}
    assert multi.msgid == "第一行第二行 %(n)s"
    assert multi.msgstr == {0: "Line one line two %(n)s"}
    assert multi.flags == {"fuzzy", "python-format"}
    assert ctxt.key == "动词\x04撤销" and ctxt.msgstr == {0: "Revoke"}
    assert plural.msgid_plural == "条"
    assert plural.msgstr == {0: "item", 1: 'items "quoted"'}


# --- (a) the catalogue is complete -------------------------------------------------


def test_catalogue_has_messages(messages):
    assert len(messages) > 100


def test_header_declares_english_utf8_and_two_plural_forms(entries):
    header = _header(entries)
    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_no_entry_is_fuzzy(entries):
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy


def test_every_message_is_translated(messages):
    missing = []
    for e in messages:
        wanted = [0, 1] if e.msgid_plural is not None else [0]
        if sorted(e.msgstr) != wanted or not all(s.strip() for s in e.msgstr.values()):
            missing.append(str(e))
    assert not missing


def test_placeholders_are_kept(messages):
    wrong = []
    for e in messages:
        expected = sorted(_PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            if sorted(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{e}: {text!r}")
    assert not wrong


def test_python_format_flag_matches_the_placeholders(messages):
    # Django marks a string python-format when it holds a placeholder; a msgid without
    # one must not carry the flag, or msgfmt --check would complain.
    wrong = [
        str(e)
        for e in messages
        if "python-format" in e.flags and not _PLACEHOLDER.search(e.msgid)
    ]
    assert not wrong


# --- (b) the committed .mo matches the .po -----------------------------------------


def test_mo_is_compiled_from_the_current_po(messages, compiled):
    # _catalog holds exactly what the .mo contains, without gettext's fallback to the
    # msgid (which would hide a missing entry whose translation equals its msgid).
    catalog = compiled._catalog
    stale = []
    for e in messages:
        if e.msgid_plural is None:
            if catalog.get(e.key) != e.msgstr[0]:
                stale.append(str(e))
        else:
            for index, text in e.msgstr.items():
                if catalog.get((e.key, index)) != text:
                    stale.append(f"{e} [{index}]")
    assert not stale, "run: msgfmt --check -o django.mo django.po"


def test_mo_has_no_messages_the_po_lacks(messages, compiled):
    keys = {e.key for e in messages}
    extra = [
        key
        for key in compiled._catalog
        if (key[0] if isinstance(key, tuple) else key) not in keys | {""}
    ]
    assert not extra, "run: msgfmt --check -o django.mo django.po"


def test_mo_header(compiled):
    assert compiled.info()["language"] == "en"
    assert compiled.charset().lower() == "utf-8"
    # The Plural-Forms rule was read: one is singular, everything else plural.
    assert [compiled.plural(n) for n in (0, 1, 2, 21)] == [1, 0, 1, 1]


# --- (c) English is used -----------------------------------------------------------


def test_key_strings_in_english():
    with translation.override("en"):
        assert translation.gettext("登录") == "Log in"
        assert translation.gettext("退出") == "Log out"
        assert translation.gettext("经办人") == "Clerk"
        assert translation.gettext("主任（签批人）") == "Committee head (approver)"
        assert translation.gettext("印章管理人") == "Seal custodian"
        assert translation.gettext("村民委员会") == "Village committee"
        assert translation.gettext("居民委员会") == "Residents' committee"
        assert translation.gettext("行政区划") == "Administrative divisions"
        assert translation.gettext("统计用区划代码") == "Statistical division code"
        assert translation.gettext("待办事项") == "Tasks waiting"


def test_placeholders_and_plurals_in_english():
    with translation.override("en"):
        assert translation.gettext("您好，%(name)s") % {"name": "Li"} == "Hello, Li"
        one = translation.ngettext("找到 %(n)s 条", "找到 %(n)s 条", 1)
        many = translation.ngettext("找到 %(n)s 条", "找到 %(n)s 条", 3)
        assert one % {"n": 1} == "1 result found"
        assert many % {"n": 3} == "3 results found"


def test_lazy_choice_labels_in_english():
    from yinzheng.accounts.choices import Role
    from yinzheng.divisions.choices import CommitteeStatus

    with translation.override("en"):
        assert str(Role.CUSTODIAN.label) == "Seal custodian"
        assert str(CommitteeStatus.ABOLISHED.label) == "Abolished"


# --- (d) Chinese stays Chinese -----------------------------------------------------


def test_chinese_is_untouched():
    with translation.override("zh-hans"):
        assert translation.gettext("登录") == "登录"
        assert translation.gettext("经办人") == "经办人"
        assert translation.gettext("您好，%(name)s") % {"name": "李"} == "您好，李"
        assert (
            translation.ngettext("找到 %(n)s 条", "找到 %(n)s 条", 3) == "找到 %(n)s 条"
        )
