#!/usr/bin/env bash
# Idempotent setup: Debian packages the project needs, then .venv with the project installed.
# Safe to run again and again; it only does work that is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(poppler-utils tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng chromium fonts-dejavu-core file postgresql)  # file: the privacy tests check `file pii/*`; postgresql: the store tests on PostgreSQL (scripts/pgtest.sh)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
STAMP=.venv/.papersurvey-installed
if [[ ! -x .venv/bin/python ]]; then
  echo "bootstrap: creating .venv" >&2
  "$PY" -m venv .venv
fi
if [[ ! -f $STAMP || pyproject.toml -nt $STAMP ]]; then
  echo "bootstrap: installing papersurvey into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$STAMP"
fi
