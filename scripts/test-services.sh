#!/usr/bin/env bash
# Start the engines the test suite talks to when they are not answering (root or sudo):
# PostgreSQL on 127.0.0.1:5432 with a database "ocop" (the multi-server and backup tests, and
# the suite itself with DATABASE_URL), and Redis on 127.0.0.1:6379 (the shared cache).
# Debian packages are installed when missing. Used by `make test` and `.ci/run`.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  command -v pg_ctlcluster >/dev/null || install postgresql
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='ocop'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE ocop" >/dev/null

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  command -v redis-server >/dev/null || install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 1; done
fi
