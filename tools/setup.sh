#!/usr/bin/env bash
# Set up jixiao on a fresh Debian/Ubuntu machine: the system packages it reads files with
# (LibreOffice for legacy .doc/.wps/.rtf, CJK fonts, the libraries OpenCV loads, Chromium
# for the HTML report's browser test, driven by Playwright without `playwright install`), then a
# virtual environment in .venv with the package and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk libgl1 libglib2.0-0 chromium)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: no apt-get here; install LibreOffice and CJK fonts yourself for .doc/.wps/.rtf" >&2
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[dev]'
