"""Every page in both languages (issue 16): in English no Chinese outside the data the
users entered, in Chinese no code (snake_case names, dotted event codes).

The demo county is loaded once; each role crawls from its home page along the links its
pages offer, a few pages per URL pattern, and every HTML page it reaches is read as a
person sees it: text nodes and the attributes a browser shows (placeholder, title,
aria-label, alt, button values). Chinese is allowed in English only where it is data:
each run of Chinese characters must occur in some text stored in the database (names,
item names, guides, reasons typed by staff) or in the language switcher's own name.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

ROLES = [
    None,
    "jingban",
    "zhuren",
    "yinzhang",
    "xiangzhen",
    "minzheng",
    "gongan",
    "ducha",
]
PER_PATTERN = 3
SKIP_PREFIXES = (
    "/admin/",
    "/api/",
    "/static/",
    "/media/",
    "/i18n/",
    "/accounts/logout/",
)
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z]+_[a-z_]+\b")
LANGUAGE_NAMES = {"简体中文", "中文"}
URL = re.compile(r"https?://\S+")
SHOWN_ATTRS = {"placeholder", "title", "aria-label", "alt"}


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Text a person reads as code on purpose: identifiers they typed or must type.
LITERAL_TAGS = {"code", "kbd", "samp"}


class _Visible(HTMLParser):
    """The text a person sees, each piece with whether it sits in an element marked
    Chinese (lang="zh…", WCAG 3.1.2: a quoted title keeps its language) or in a
    literal (<code>, <kbd>, <samp>)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, hidden, zh, literal
        self.texts: list[tuple[str, bool, bool]] = []

    def _state(self) -> tuple[bool, bool, bool]:
        if not self.stack:
            return False, False, False
        return self.stack[-1][1:]

    def handle_starttag(self, tag, attrs):
        hidden, zh, literal = self._state()
        values = dict(attrs)
        hidden = hidden or tag in ("script", "style", "template") or "hidden" in values
        if "lang" in values:
            zh = (values["lang"] or "").lower().startswith("zh")
        literal = literal or tag in LITERAL_TAGS
        if not hidden:
            for name in SHOWN_ATTRS:
                if values.get(name):
                    self.texts.append((values[name], zh, literal))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append((values.get("value") or "", zh, literal))
        if tag not in VOID:
            self.stack.append((tag, hidden, zh, literal))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        hidden, zh, literal = self._state()
        if not hidden and data.strip():
            self.texts.append((data.strip(), zh, literal))


def visible_texts(html: str) -> list[tuple[str, bool, bool]]:
    """(text, in Chinese-marked element, in a literal) for every piece shown."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.texts


def stored_text() -> tuple[str, set[str]]:
    """Every string stored in the database, joined (the users' data), and the
    identifiers people chose and see as such: slugs (item keys) and user names."""
    parts: list[str] = []
    chosen: set[str] = set()
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._default_manager.values_list(*names):
            for column, value in zip(fields, row, strict=True):
                if value:
                    parts.append(str(value))
                    if (
                        isinstance(column, models.SlugField)
                        or column.name == "username"
                    ):
                        chosen.add(str(value))
    return "\x00".join(parts), chosen


@dataclass
class Walk:
    pages: dict[str, str] = field(default_factory=dict)  # url → html
    refused: set[str] = field(default_factory=set)  # "page → link (status)"


def crawl(client: Client, starts: list[str]) -> Walk:
    """The HTML pages reached from the starts along the links pages offer (and the
    redirects they answer), at most PER_PATTERN per URL pattern."""
    walk = Walk()
    seen: set[str] = set()
    per_pattern: dict[str, int] = defaultdict(int)
    queue = [(url, "") for url in starts]
    while queue:
        link, referrer = queue.pop(0)
        url = urldefrag(link)[0].replace("&amp;", "&")
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        seen.add(url)
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            walk.refused.add(f"{referrer} → {url} (no such page)")
            continue
        if per_pattern[name] >= PER_PATTERN:
            continue
        per_pattern[name] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append((response["Location"], referrer))
            continue
        if response.status_code != 200:
            walk.refused.add(f"{referrer} → {name} ({response.status_code})")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        walk.pages[url] = html
        queue.extend((href, name) for href in re.findall(r'href="(/[^"]*)"', html))
    return walk


PUBLIC_STARTS = [
    "/",
    "/accounts/login/",
    "/catalogue/",
    "/verify/",
    "/certificates/status/",
    "/supervision/report/",
]


def walk(language: str) -> dict[str, Walk]:
    """role → what it reached, crawling in the language given."""
    reached = {}
    for username in ROLES:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if username:
            assert client.login(username=username, password=DEMO_PASSWORD)
        reached[username or "public"] = crawl(
            client, ["/"] if username else PUBLIC_STARTS
        )
    return reached


def _view(url: str) -> str:
    return resolve(urlsplit(url).path).view_name


# The pages every language walk must reach, so that a crawl cut short cannot pass.
MUST_REACH = {
    "portal:home",
    "portal:catalogue",
    "portal:catalogue_item",
    "portal:verify_form",
    "portal:status_lookup",
    "portal:report",
    "accounts:login",
    "certificates:index",
    "certificates:new",
    "certificates:detail",
    "seals:index",
    "seals:detail",
    "seals:usage",
    "registers:index",
    "registers:register_book",
    "catalogue:manage",
    "catalogue:manage_application",
    "divisions:detail",
    "supervision:index",
    "supervision:alert",
    "stats:dashboard",
    "stats:table",
}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    return stored_text()


def _reached(walks: dict[str, Walk]) -> set[str]:
    return {_view(url) for w in walks.values() for url in w.pages}


def test_english_pages_show_no_chinese_outside_stored_data(demo):
    data, _ = demo
    walks = walk("en")
    assert not MUST_REACH - _reached(walks)
    problems = set()
    for pages in walks.values():
        for url, html in pages.pages.items():
            for text, zh, _literal in visible_texts(html):
                runs = [] if zh else CJK_RUN.findall(text)
                if any(run not in data and run not in LANGUAGE_NAMES for run in runs):
                    problems.add(f"{_view(url)}: {text[:100]}")
    assert not problems, "\n".join(sorted(problems))


def test_chinese_pages_show_no_code_names(demo):
    _, chosen = demo
    walks = walk("zh-hans")
    assert not MUST_REACH - _reached(walks)
    problems = set()
    for pages in walks.values():
        for url, html in pages.pages.items():
            for text, _zh, literal in visible_texts(html):
                names = [] if literal else CODE.findall(URL.sub("", text))
                for name in names:
                    if name not in chosen:
                        problems.add(f"{_view(url)}: {name} in {text[:100]}")
    assert not problems, "\n".join(sorted(problems))


def test_pages_link_only_to_pages_their_reader_may_open(demo):
    refused = {
        f"{role}: {line}" for role, w in walk("zh-hans").items() for line in w.refused
    }
    assert not refused, "\n".join(sorted(refused))
