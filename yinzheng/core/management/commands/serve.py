"""`yinzheng serve`: the production server, gunicorn with threaded (gthread) workers.

Issue 13 (finding 5): with sync workers each connection holds a whole process while it
sends its request, so three clients dripping their headers byte by byte kept two
workers busy and `/verify/` waited 18 s. A gthread worker accepts in its main loop and
hands a connection to a thread only once bytes arrive; a connection that sends nothing
waits in the poller, and kept-alive connections never hold a thread. A client that does
drip bytes still holds one thread until its header is complete (gunicorn has no
deadline for the whole header), and a worker with every thread taken still accepts: a
server is sure to survive `threads` such clients, at best workers × threads. Facing the
internet, run it behind the buffering proxy of docs/operations.md
(deploy/nginx/yinzheng.conf), which reads every request in full before it reaches
gunicorn.
"""

import argparse
import os
import sys

from django.core.management import call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yinzheng.core.management.base import BaseCommand

# A silent worker (its main loop stuck) is restarted after this long; a slow request
# does not count, since gthread workers report from their main loop, not the threads.
WORKER_TIMEOUT = 60
# How long an idle kept-alive connection stays open; longer than the proxy's own
# upstream keep-alive (4 s in deploy/nginx/yinzheng.conf), so the proxy closes first.
KEEPALIVE = 5
GRACEFUL_TIMEOUT = 30
DEFAULT_WORKERS = 2
# Threads wait on the database or a slow client far more than they compute; each one
# may keep a database connection (YINZHENG_DB_CONN_MAX_AGE).
DEFAULT_THREADS = 8


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("须为正整数：%(value)s") % {"value": value})
    return number


def gunicorn_argv(*, bind: str, workers: int, threads: int) -> list[str]:
    """The command line `serve` runs gunicorn with."""
    return [
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        str(WORKER_TIMEOUT),
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        "--keep-alive",
        str(KEEPALIVE),
        "--access-logfile",
        "-",
        "yinzheng.wsgi:application",
    ]


class Command(BaseCommand):
    help = gettext_noop(
        "以生产方式启动服务（gunicorn 多线程工作进程，静态文件由 whitenoise 提供）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("YINZHENG_BIND", "127.0.0.1:8000"),
            help=_("监听地址和端口（默认 127.0.0.1:8000，或环境变量 YINZHENG_BIND）"),
        )
        parser.add_argument(
            "--workers",
            type=_at_least_one,
            default=os.environ.get("YINZHENG_WORKERS", str(DEFAULT_WORKERS)),
            help=_("工作进程数（默认 2，或 YINZHENG_WORKERS）"),
        )
        parser.add_argument(
            "--threads",
            type=_at_least_one,
            default=os.environ.get("YINZHENG_THREADS", str(DEFAULT_THREADS)),
            help=_("每个工作进程的线程数（默认 8，或 YINZHENG_THREADS）"),
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help=_("启动前不执行数据库迁移")
        )

    def handle(
        self,
        *args,
        bind: str,
        workers: int,
        threads: int,
        no_migrate: bool,
        **options,
    ):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"印证 yinzheng 运行于 http://{bind}/ （Ctrl+C 停止）")
        self.stdout.flush()
        from gunicorn.app.wsgiapp import run

        sys.argv = gunicorn_argv(bind=bind, workers=workers, threads=threads)
        run()
