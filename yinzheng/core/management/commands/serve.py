import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以生产方式启动服务（gunicorn 同步进程，静态文件由 whitenoise 提供）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("YINZHENG_BIND", "127.0.0.1:8000")
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("YINZHENG_WORKERS", "2"))
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, bind: str, workers: int, no_migrate: bool, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"印证 yinzheng 运行于 http://{bind}/ （Ctrl+C 停止）")
        self.stdout.flush()
        from gunicorn.app.wsgiapp import run

        sys.argv = [
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
            "yinzheng.wsgi:application",
        ]
        run()
