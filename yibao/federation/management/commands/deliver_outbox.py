"""manage.py deliver_outbox [--loop SECONDS]: send the national platform what is due.

The task queue does this by itself (each event starts a delivery when it is committed, and
retries come back when due); the command is for operators: drain the queue after an outage, or
run as a small service beside a queue backend that cannot defer tasks.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.federation.delivery import outbox_deliver
from yibao.federation.outbox import federation_enabled


class Command(BaseCommand):
    help = "向国家平台发送待同步的事件（注册、单位信息变更、经办人绑定）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="每隔若干秒重复发送，直到中断")

    def handle(self, *args: Any, **options: Any) -> None:
        if not federation_enabled():
            raise CommandError("未配置 YIBAO_NATIONAL_URL，本平台不向国家平台同步")
        while True:
            report = outbox_deliver()
            if report.sent or not options["loop"]:
                self.stdout.write(str(report))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
