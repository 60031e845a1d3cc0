#!/usr/bin/env bash
# Installs the Debian packages the tests need (browser, Chinese fonts, PostgreSQL, LibreOffice
# for the documents' PDF) if missing; `system-deps.sh run`: only what serving needs (the fonts
# and LibreOffice, for PDF downloads); `system-deps.sh cluster`: that and PostgreSQL.
set -euo pipefail
missing=()
if [ -z "${1:-}" ]; then
  command -v chromium >/dev/null || missing+=(chromium)
fi
if [ "${1:-}" != run ]; then
  command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
# Writer only, no GUI: about 200 MB, 15 s to fetch and unpack; PDF downloads of the documents.
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
