#!/usr/bin/env bash
# Serve the demo with its background worker beside it; Ctrl+C stops both.
# Usage: scripts/serve-demo.sh HOST:PORT
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
"$PY" manage.py worker -v0 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "$1"
