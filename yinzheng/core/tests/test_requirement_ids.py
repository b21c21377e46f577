"""Requirement ids (REQ-nnn, DIV-nn) are the system's own references (issue 16).

They may show only in the staff's collapsible 依据 detail (`templates/_basis.html`, and
the decision's basis on a request's page); never in a message, a printed document, a
public page or the help of a command. These tests read the sources: every translated
string, every template outside the 依据 detail, and every command's help.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "yinzheng"
TEMPLATES = PACKAGE / "templates"
REQUIREMENT_ID = re.compile(r"\b(?:REQ|DIV)-\d+")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "gettext_noop",
}
# The 依据 detail: the include that takes the ids and the ids passed to it.
BASIS = re.compile(r'\breqs="[^"]*"')


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = set(path.relative_to(PACKAGE).parts)
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _strings(node: ast.AST):
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            yield inner.value


def test_no_translated_string_carries_a_requirement_id():
    """Messages, labels, form help, errors: everything a person reads is translated,
    so no translated string may carry an id."""
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and _called(node) in GETTEXT:
                for text in _strings(node):
                    if REQUIREMENT_ID.search(text):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {text}")
    assert not found, "\n".join(found)


def test_no_command_help_carries_a_requirement_id():
    """`help=` of the `yinzheng` command and its subcommands (operators read it)."""
    found = []
    commands = [
        path
        for path in _sources()
        if "management" in path.parts or path.name == "cli.py"
    ]
    for path in commands:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg in ("help", "description"):
                    for text in _strings(keyword.value):
                        if REQUIREMENT_ID.search(text):
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in commands:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Command":
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(
                            isinstance(t, ast.Name) and t.id == "help"
                            for t in item.targets
                        )
                        and any(REQUIREMENT_ID.search(s) for s in _strings(item.value))
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{item.lineno}")
    assert not found, "\n".join(found)


def test_templates_show_requirement_ids_only_in_the_basis_detail():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = BASIS.sub("", path.read_text())
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
        for match in REQUIREMENT_ID.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line} {match.group()}")
    assert not found, "\n".join(found)


def test_the_basis_detail_is_a_collapsed_details_element():
    basis = (TEMPLATES / "_basis.html").read_text()
    assert "<details" in basis and " open" not in basis
