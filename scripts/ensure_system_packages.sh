#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing:
#   chromium        browser tests (Playwright drives /usr/bin/chromium)
#   fonts-noto-cjk  Chinese glyphs in screenshots and PDFs
#   poppler-utils   pdftoppm, to look at generated PDFs
#   libpango        WeasyPrint's text layout
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "System packages installed."
else
  cat >&2 <<MSG
Missing system packages: ${missing[*]}
Install them as root, e.g.:  sudo apt-get install ${missing[*]}
Until then the browser tests are skipped (outside CI) and PDFs may lack Chinese glyphs.
MSG
fi
