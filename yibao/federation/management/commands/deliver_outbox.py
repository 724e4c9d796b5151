"""manage.py deliver_outbox [--loop SECONDS | --enqueue]: send the national platform what is due.

The task queue does this by itself (each event starts a delivery when it is committed, retries
come back when due, and a round lost with its worker is taken up after its lease); the command is
for operators: drain the queue after an outage, or run as a small service beside a queue backend
that cannot defer tasks. `--enqueue` hands one delivery to the task queue and returns (run when a
worker starts, `scripts/run_hall.sh`: what a killed worker left is delivered, or watched until its
lease runs out); without a national instance configured it does nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.federation.delivery import outbox_deliver, outbox_deliver_soon
from yibao.federation.outbox import federation_enabled


class Command(BaseCommand):
    help = "向国家平台发送待同步的事件（注册、单位信息变更、经办人绑定）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="每隔若干秒重复发送，直到中断")
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列发送后立即返回（任务进程启动时运行）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            if federation_enabled():
                outbox_deliver_soon()
                self.stdout.write("已将待同步事件交给任务队列")
            else:
                self.stdout.write("未配置 YIBAO_NATIONAL_URL，无需同步")
            return
        if not federation_enabled():
            raise CommandError("未配置 YIBAO_NATIONAL_URL，本平台不向国家平台同步")
        while True:
            report = outbox_deliver()
            if report.sent or not options["loop"]:
                self.stdout.write(str(report))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
