#!/usr/bin/env bash
# Fails early, in words, when the Python given is older than 3.11.
set -euo pipefail
python="${1:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "找不到 $python。yibao needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "$("$python" --version 2>&1) is too old: yibao needs Python 3.11 or newer (set PYTHON=...)." >&2
  exit 1
fi
