"""The `yinzheng` console command: `yinzheng <sub-command> …` runs the Django management
command of that name (a hyphen in the name maps to an underscore), `yinzheng --help`
lists them (`USAGE`, in Chinese like every option's help, issue 16).
"""

import os
import sys


def gettext_noop(message: str) -> str:
    """Marks a string for the catalogue (makemessages reads the name) without needing
    Django's settings: the help must print before any data folder exists."""
    return message


# (how to call it, what it does): the descriptions are marked for the catalogue and
# printed in Chinese, the language of the command line (settings.LANGUAGE_CODE).
USAGE: list[tuple[str, str]] = [
    (
        "yinzheng serve [--bind 127.0.0.1:8000] [--workers N] [--threads N]",
        gettext_noop("生产服务（gunicorn，多线程工作进程）"),
    ),
    (
        "yinzheng demo [--no-serve] [--bind 地址:端口]",
        gettext_noop("建立演示数据和演示账号并启动服务"),
    ),
    ("yinzheng migrate", gettext_noop("执行数据库迁移")),
    (
        "yinzheng import-divisions DIR [--under CODE ...]",
        gettext_noop("导入国家统计用区划代码"),
    ),
    ("yinzheng createadmin USERNAME", gettext_noop("新建系统管理员")),
    ("yinzheng ledger verify [--chain KEY] [--json]", gettext_noop("校验全部哈希链")),
    (
        "yinzheng ledger archive --year Y --committee CODE [--enqueue]",
        gettext_noop("登记簿年终归档"),
    ),
    (
        "yinzheng certificate verify FILE.pdf|TOKEN [--json]",
        gettext_noop("核验电子证明是否真实有效"),
    ),
    (
        "yinzheng esign trust-list|crl|certify|rotate-master-key",
        gettext_noop("电子印章的密钥与证书"),
    ),
    ("yinzheng esign timestamp-renew [--enqueue]", gettext_noop("续签归档时间戳")),
    ("yinzheng grant USERNAME ROLE CODE [--revoke]", gettext_noop("授予或撤销岗位")),
    ("yinzheng token USERNAME [--rotate]", gettext_noop("接口令牌")),
    (
        "yinzheng lookup TEXT [--committee CODE] [--json]",
        gettext_noop("“有人要我开……”查询"),
    ),
    (
        "yinzheng catalogue-export LIST_ID --format json|csv|xlsx",
        gettext_noop("导出清单的开放数据"),
    ),
    (
        "yinzheng catalogue-import FILE.json --list ID --reason TEXT",
        gettext_noop("从文件生成清单草稿"),
    ),
    (
        "yinzheng catalogue-import-batch FILE.json",
        gettext_noop("导入国家后续批次负面清单"),
    ),
    (
        "yinzheng catalogue-announcements [--pending ID] [--under CODE] [--json]",
        gettext_noop("新批次负面清单公告的阅知情况"),
    ),
    (
        "yinzheng catalogue-changes --from DATE --to DATE [--owner CODE] [--json]",
        gettext_noop("统计期间内清单新增、移出的事项"),
    ),
    (
        "yinzheng platform-send [--under CODE] [--set COUNTY NAME URL] [--json]",
        gettext_noop("向政务服务平台推送清单和办事指南"),
    ),
    ("yinzheng sms-test PHONE", gettext_noop("测试短信网关（网上申请的验证码）")),
    (
        "yinzheng credit-export [--under CODE] [--dry-run] [--enqueue]",
        gettext_noop("向信用信息共享平台报送信用记录"),
    ),
    (
        "yinzheng referrals [--department DEPT] [--under CODE] [--all] [--json]",
        gettext_noop("转交相关部门办理的证明事项"),
    ),
    (
        "yinzheng supervision scan [--county CODE ...] [--json] [--enqueue]",
        gettext_noop("扫描登记簿，生成预警"),
    ),
    (
        "yinzheng supervision draw COUNTY [--seed S] [--json]",
        gettext_noop("专项督查随机抽取"),
    ),
    (
        "yinzheng supervision overdue [--under CODE] [--json]",
        gettext_noop("逾期的投诉和整改"),
    ),
    (
        "yinzheng supervision export-items --under CODE --out F | --enqueue",
        gettext_noop("导出整改清单"),
    ),
    (
        "yinzheng stats export-table --county CODE [--unit CODE|DEPARTMENT] "
        "--format xlsx|pdf --output FILE | --enqueue",
        gettext_noop("导出统计表"),
    ),
    (
        "yinzheng stats figures --division CODE [--from DATE --to DATE] "
        "--format json|csv [--output FILE]",
        gettext_noop("统计分析数据"),
    ),
    (
        "yinzheng stats campaign-start --division CODE --template CODE --start YYYY-MM",
        gettext_noop("按模板发起专项工作"),
    ),
    ("yinzheng db_worker [--batch]", gettext_noop("执行排队的任务")),
    (
        "yinzheng task-result ID [--output FILE] [--json]",
        gettext_noop("排队任务的结果和文件"),
    ),
    ("yinzheng <其他管理命令> ...", gettext_noop("Django 的其他管理命令")),
]


def usage() -> str:
    lines = [gettext_noop("印证 yinzheng 命令行"), ""]
    for call, what in USAGE:
        lines += [f"    {call}", f"        {what}"]
    lines += [
        "",
        gettext_noop(
            "子命令中的连字符对应 Django 管理命令中的下划线；"
            "yinzheng <子命令> --help 列出该子命令的全部选项。"
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    command = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yinzheng", command, *argv[1:]])


if __name__ == "__main__":
    main()
