#!/usr/bin/env bash
# Installs from Debian's packages what the hall or its tests need when it is missing.
#   scripts/ensure_system_packages.sh run    what `make run` needs: printing (PDFs)
#   scripts/ensure_system_packages.sh [test] what `make test` needs: the above, and
#     chromium        browser tests (Playwright drives /usr/bin/chromium)
#     poppler-utils   pdftoppm and pdftotext, to look at generated PDFs
#     nginx           `nginx -t` of the example proxy configuration (deploy/nginx/yibao.conf); the
#                     package's own service is not started (policy-rc.d during the install)
# Printing needs WeasyPrint's text layout (libpango) and the one font every printed document names:
# the family FONT_FAMILY in yibao/core/pdf.py (Noto Sans CJK SC, Debian fonts-noto-cjk), found
# through fontconfig. Another CJK font does not do: the PDFs name that family and embed its file.
# With ENSURE_PACKAGES_DRY_RUN=1 it only prints what is missing (one package a line).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

font_family="$(sed -n 's/^FONT_FAMILY = "\(.*\)"$/\1/p' yibao/core/pdf.py)"
if [ -z "$font_family" ]; then
  echo "scripts/ensure_system_packages.sh: FONT_FAMILY not found in yibao/core/pdf.py" >&2
  exit 1
fi

missing=()
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
fc-list "$font_family" family 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
fi

if [ "${ENSURE_PACKAGES_DRY_RUN:-}" = 1 ]; then
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian starts a daemon a package ships; the tests only run `nginx -t`, nothing may listen on :80
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  fc-cache -f >/dev/null 2>&1 || true
  if ! fc-list "$font_family" family | grep -q .; then
    echo "The PDF font \"$font_family\" is still not known to fontconfig after installing fonts-noto-cjk." >&2
    exit 1
  fi
  echo "System packages installed."
else
  cat >&2 <<MSG
Missing system packages: ${missing[*]}
Install them as root, e.g.:  sudo apt-get install ${missing[*]}
Until then printed forms and certificates cannot be made (they need the font "$font_family"),
and the browser tests are skipped (outside CI).
MSG
fi
