#!/usr/bin/env bash
# The whole test suite, non-interactive: installs what it needs (npm packages, PostgreSQL,
# Chromium), then runs every package's jest tests on SQLite and PostgreSQL, then the browser
# end-to-end test against the real portal and the ADO emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

export CI=true                          # no jest watch mode
export BACKSTAGE_TEST_DISABLE_DOCKER=1  # TestDatabases uses the local PostgreSQL, not containers
export npm_config_nodedir=${npm_config_nodedir:-/usr}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

pg_url=$(bash scripts/ensure-postgres.sh | tail -n 1)
case "$pg_url" in postgresql://*) ;; *) echo "no PostgreSQL URL from ensure-postgres.sh: $pg_url" >&2; exit 1 ;; esac
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$pg_url"
# A PostgreSQL leg that silently skips is a failure: the tests refuse to run without it.
export AZURE_DEVOPS_SYNC_REQUIRE_POSTGRES=1

npx backstage-cli repo test --silent "$@"

if [ "${SKIP_E2E:-}" != "1" ]; then
  node e2e/run.mjs
fi
