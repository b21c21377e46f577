"""The base of every `yinzheng` command: its help in Chinese (translated), the options
Django and argparse add to every command included (issue 16).

`yinzheng demo --help` used to read half English: the command's own options were
Chinese, Django's (--settings, --verbosity, …) and argparse's -h English, and an option
without help showed nothing. Here the shared options get Chinese help, lazy help strings
are made text for argparse, the command's help (marked with gettext_noop) is translated
when the parser is made, and sub-commands get the same treatment.
"""

import argparse
from typing import Any

from django.core.management import base
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The options every Django command has, by their argparse `dest`.
SHARED_OPTIONS: dict[str, Any] = {
    "help": _("显示本帮助并退出"),
    "version": _("显示版本号并退出"),
    "verbosity": _("输出详细程度：0 最少，1 正常，2 详细，3 非常详细"),
    "settings": _(
        "设置模块的 Python 路径，例如 yinzheng.settings；"
        "不填时使用环境变量 DJANGO_SETTINGS_MODULE"
    ),
    "pythonpath": _("加入 Python 路径的目录"),
    "traceback": _("命令出错（CommandError）时显示完整的调用栈"),
    "no_color": _("输出不着色"),
    "force_color": _("强制输出着色"),
    "skip_checks": _("跳过系统检查"),
}


def _with_usage_prefix(formatter: Any) -> Any:
    class Formatter(formatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            if prefix is None:
                prefix = str(_("用法：")) + " "
            return super().add_usage(usage, actions, groups, prefix)

    return Formatter


def _translate(parser: argparse.ArgumentParser) -> None:
    if parser.description is not None:
        parser.description = str(parser.description)
    parser.formatter_class = _with_usage_prefix(parser.formatter_class)
    parser._optionals.title = str(_("选项"))
    parser._positionals.title = str(_("位置参数"))
    for action in parser._actions:
        if action.dest in SHARED_OPTIONS and not isinstance(
            action, argparse._SubParsersAction
        ):
            action.help = str(SHARED_OPTIONS[action.dest])
        elif action.help is not None and action.help is not argparse.SUPPRESS:
            action.help = str(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help is not None:
                    choice.help = str(choice.help)
            for sub in {id(p): p for p in action.choices.values()}.values():
                _translate(sub)


class BaseCommand(base.BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        # The command's help is marked with gettext_noop where it is defined (a class
        # attribute, read before any language is chosen) and translated here.
        if self.help:
            self.help = gettext(self.help)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _translate(parser)
        return parser
