#!/usr/bin/env bash
# The production start (`make serve`, README «Production»): DJANGO_ENV=production, static files
# collected (whitenoise, compressed and hashed), migrations checked (not run: a deployment
# migrates once, before its nodes start), the deployment checks, then gunicorn with
# config/gunicorn.conf.py in the foreground (SIGTERM stops it gracefully, SIGHUP reloads it).
# The task worker is started apart (README «Production»). Needs DJANGO_SECRET_KEY,
# DJANGO_ALLOWED_HOSTS and the SMS gateway settings; see README.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_ENV=production
BIN="${VENV:-.venv}/bin"

"$BIN/python" manage.py collectstatic --noinput -v 0
if ! "$BIN/python" manage.py migrate --check >/dev/null; then
  echo "数据库有未执行的迁移：请先运行 DJANGO_ENV=production $BIN/python manage.py migrate (unapplied migrations)" >&2
  exit 1
fi
"$BIN/python" manage.py check --deploy --fail-level WARNING
exec "$BIN/gunicorn" -c config/gunicorn.conf.py
