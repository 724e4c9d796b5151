#!/usr/bin/env bash
# Starts the web server and the task worker side by side; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "正在停止 (stopping web server and task worker)…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# What a worker takes care of when it starts (the same commands run from cron; README
# «Production»), in one process rather than one Django start each:
# - insurance_pauses_apply: pauses whose 中断日期 came while no worker ran (the worker runs the
#   ones scheduled from now on);
# - batch_imports_recover, exports_recover: imports and exports whose worker was stopped or killed
#   (queued again or ended as 导入中断/导出中断; expired export files deleted);
# - sms_dispatch_recover: SMS whose enqueue failed or whose worker was killed (queued again);
# - deliver_outbox --enqueue: outbox events a killed worker held (delivered, or watched until
#   their lease runs out).
$PY - <<'PY'
import os

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
call_command("insurance_pauses_apply")
call_command("batch_imports_recover")
call_command("sms_dispatch_recover")
call_command("deliver_outbox", "--enqueue")
call_command("exports_recover")
PY
# The task queue of config/settings.py: RQ when REDIS_URL is set (unless YIBAO_TASK_BACKEND=db),
# else the database.
if [[ -n "${REDIS_URL:-}" ]]; then default_backend=rq; else default_backend=db; fi
if [[ "${YIBAO_TASK_BACKEND:-$default_backend}" == rq ]]; then
  $PY manage.py rqworker --with-scheduler sms default &
else
  $PY manage.py db_worker --queue-name '*' --no-reload --no-startup-delay &
fi
pids+=($!)
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)

echo "单位网厅已启动: http://127.0.0.1:${PORT}/   (Ctrl-C 停止)"
# Exit when either process ends; the trap stops the other.
wait -n "${pids[@]}"
