#!/usr/bin/env bash
# Two halls side by side, each with its own database: the national hall (国家医保服务平台) on
# $NATIONAL_PORT with the demo units, and the Yunnan hall on $YUNNAN_PORT, which knows none of them.
# Log in to the Yunnan hall with a national demo unit account (Yunnan manual 001 FAQ 2.1): the Yunnan
# hall asks the national one, creates the unit, and from then on logs it in by itself. What the
# Yunnan hall registers or changes is sent to the national hall by its task worker (the outbox).
# Ctrl-C stops all four processes; the databases stay in var/federation/ for the next start.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
NATIONAL_PORT="${NATIONAL_PORT:-8000}"
YUNNAN_PORT="${YUNNAN_PORT:-8001}"
DIR=var/federation
mkdir -p "$DIR"
[ -s "$DIR/secret" ] || $PY -c 'import secrets; print(secrets.token_urlsafe(32))' > "$DIR/secret"
SECRET="$(cat "$DIR/secret")"

hall() {  # hall NAME PROFILE [VAR=value ...] -- command...
  local name=$1 profile=$2
  shift 2
  env DJANGO_ENV=development YIBAO_PROFILE="$profile" YIBAO_VAR_DIR="$PWD/$DIR/$name" \
    DATABASE_URL="sqlite:///$PWD/$DIR/$name.sqlite3" YIBAO_FEDERATION_SECRET="$SECRET" \
    YIBAO_FEDERATION_SOURCE="$name" "$@"
}
national() { hall national national "$@"; }
yunnan() { hall yunnan yunnan YIBAO_NATIONAL_URL="http://127.0.0.1:${NATIONAL_PORT}" "$@"; }

if [ ! -f "$DIR/national.sqlite3" ]; then
  echo "== 国家平台：建库并生成演示数据 (national: migrate, demo data) =="
  national $PY manage.py migrate --noinput -v 0
  national $PY manage.py load_reference
  national $PY manage.py seed_demo --persons 400 | tee "$DIR/national-accounts.txt"
fi
if [ ! -f "$DIR/yunnan.sqlite3" ]; then
  echo "== 云南平台：建库 (yunnan: migrate, reference data only) =="
  yunnan $PY manage.py migrate --noinput -v 0
  yunnan $PY manage.py load_reference
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "正在停止 (stopping both halls)…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

national $PY manage.py runserver "127.0.0.1:${NATIONAL_PORT}" --noreload &
pids+=($!)
yunnan $PY manage.py runserver "127.0.0.1:${YUNNAN_PORT}" --noreload &
pids+=($!)
yunnan $PY manage.py db_worker --queue-name '*' --no-reload --no-startup-delay &
pids+=($!)
national $PY manage.py db_worker --queue-name '*' --no-reload --no-startup-delay &
pids+=($!)

echo
echo "国家医保服务平台: http://127.0.0.1:${NATIONAL_PORT}/   演示账号见 $DIR/national-accounts.txt"
echo "云南医保公共服务平台: http://127.0.0.1:${YUNNAN_PORT}/hall/login/  用国家平台的单位账号和密码登录"
echo "(Ctrl-C 停止)"
wait -n "${pids[@]}"
