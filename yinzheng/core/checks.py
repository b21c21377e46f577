"""System checks of the deployment (`yinzheng check --deploy`, issue 13).

The master key opens every signing key the database holds (esign.keys). Kept in the
data folder, beside the SQLite database, the files and their backups, it travels with
them: whoever holds a copy of the folder can sign as any committee. A deployment takes
it from outside (YINZHENG_MASTER_KEY, or the file YINZHENG_MASTER_KEY_FILE names);
settings.MASTER_KEY_FILE tells where it was read from.

The public address (YINZHENG_PUBLIC_URL) is printed into every QR code and CRL link:
left at its default, or on a loopback address, certificates point where no resident's
phone can reach (issue 14).

Files in object storage travel between the nodes and the store: an endpoint over plain
HTTP off this machine sends residents' documents in the clear (issue 15).
"""

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _


def data_folders(data_dir: Path, databases: dict[str, Any]) -> list[Path]:
    """The data folder and the folder of every SQLite database."""
    folders = [Path(data_dir).resolve()]
    for database in databases.values():
        if database.get("ENGINE") == "django.db.backends.sqlite3":
            name = str(database.get("NAME") or "")
            if name and name != ":memory:" and not name.startswith("file:"):
                folders.append(Path(name).resolve().parent)
    return folders


def master_key_errors(
    *, key_file: Path | None, data_dir: Path, databases: dict[str, Any]
) -> list[CheckMessage]:
    if key_file is None:  # from the environment
        return []
    key_file = Path(key_file).resolve()
    for folder in data_folders(data_dir, databases):
        if key_file.is_relative_to(folder):
            return [
                Error(
                    _("主密钥 %(file)s 存放在数据目录 %(folder)s 中，与数据库同处。")
                    % {"file": key_file, "folder": folder},
                    hint=_(
                        "生产环境请从数据目录之外提供主密钥：设置环境变量 "
                        "YINZHENG_MASTER_KEY，或用 YINZHENG_MASTER_KEY_FILE 指向数据"
                        "目录及其备份之外的文件；然后删除数据目录中的副本"
                        "（见 docs/operations.md）。"
                    ),
                    id="core.E001",
                )
            ]
    return []


@register(Tags.security, deploy=True)
def master_key_outside_the_data(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    return master_key_errors(
        key_file=getattr(settings, "MASTER_KEY_FILE", None),
        data_dir=settings.DATA_DIR,
        databases=settings.DATABASES,
    )


def public_url_warnings(public_url: str) -> list[CheckMessage]:
    host = (urlsplit(public_url).hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback or host == "0.0.0.0"
    except ValueError:
        loopback = host in {"", "localhost"} or host.endswith(".localhost")
    if not loopback:
        return []
    return [
        Warning(
            _("公开地址 %(url)s 只在本机可用，证明上的二维码和吊销列表链接将无法访问。")
            % {"url": public_url or "—"},
            hint=_(
                "请将 YINZHENG_PUBLIC_URL 设为居民和各部门访问本系统的地址，"
                "如 https://yinzheng.example.gov.cn（见 docs/operations.md）。"
            ),
            id="core.W001",
        )
    ]


@register(Tags.security, deploy=True)
def public_url_reachable(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    return public_url_warnings(settings.PUBLIC_URL)


def object_store_warnings(storages: dict[str, Any]) -> list[CheckMessage]:
    """Files in object storage (issue 15) hold names, ID numbers and signatures: an
    endpoint over plain HTTP on another machine sends them in the clear."""
    options = storages.get("default", {}).get("OPTIONS") or {}
    endpoint = str(options.get("endpoint_url") or "")
    parts = urlsplit(endpoint)
    if parts.scheme != "http":
        return []
    host = (parts.hostname or "").lower()
    try:
        if ipaddress.ip_address(host).is_loopback:
            return []
    except ValueError:
        if host == "localhost":
            return []
    return [
        Warning(
            _(
                "对象存储地址 %(url)s 使用明文 HTTP，文件（含姓名、身份证号）将不加密传输。"
            )
            % {"url": endpoint},
            hint=_(
                "请为对象存储启用 TLS，并将 YINZHENG_S3_ENDPOINT_URL 设为 https:// 地址；"
                "私有 CA 用 AWS_CA_BUNDLE 指定（见 docs/operations.md）。"
            ),
            id="core.W002",
        )
    ]


@register(Tags.security, deploy=True)
def object_store_encrypted(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    return object_store_warnings(settings.STORAGES)
