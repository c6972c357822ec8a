#!/usr/bin/env bash
# Every check the project has, in the order a failure is cheapest to find: types, API reports,
# lint, formatting, unit and integration tests, a production build, and the browser end-to-end
# tests against that build served by the backend. `yarn test:all` runs it; CI runs exactly this.
#
# Stores are tested on SQLite, and also on PostgreSQL when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set. The end-to-end backend runs the
# production configuration with the e2e overlay (guest sign-in, a test token), on PostgreSQL
# when POSTGRES_HOST is set, on SQLite otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

# Without a Docker engine, TestDatabases must not try to start database containers.
if ! docker info >/dev/null 2>&1; then
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
fi

step 'type-check'
yarn tsc

# The API of every published package matches its committed report (report.api.md).
step 'API reports'
yarn build:api-reports:check

step 'lint'
yarn lint:all

step 'prettier'
yarn prettier:check

step 'unit and integration tests'
CI=true yarn backstage-cli repo test

step 'production build'
yarn build:all

step 'end-to-end tests against the production build'
# Production refuses to start on guest sign-in and without its own token: the overlay says
# what the tests need, explicitly.
overlay=(--config app-config.e2e.yaml)
if [ -z "${POSTGRES_HOST:-}" ]; then
  overlay+=(--config app-config.e2e-sqlite.yaml)
fi
if [ -n "${POSTGRES_HOST:-}" ]; then
  # The databases of the last run (app-config.e2e.yaml's prefix) go: each run starts clean.
  admin() {
    PGHOST="$POSTGRES_HOST" PGPORT="${POSTGRES_PORT:-5432}" PGUSER="${POSTGRES_USER:-postgres}" \
      PGPASSWORD="${POSTGRES_PASSWORD:-}" psql -d postgres -Atq "$@"
  }
  admin -c "SELECT datname FROM pg_database WHERE datname LIKE 'e2e\_backstage\_plugin\_%'" |
    while read -r database; do admin -c "DROP DATABASE \"$database\" WITH (FORCE)"; done
fi
log="$(mktemp -t datamesh-e2e-backend.XXXXXX.log)"
bash scripts/start-production.sh "${overlay[@]}" >"$log" 2>&1 &
backend_pid=$!
trap 'kill "$backend_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if curl -sf http://localhost:7007/api/data-mesh/health >/dev/null; then break; fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    echo "The backend exited during start-up:" && cat "$log" && exit 1
  fi
  sleep 1
done
curl -sf http://localhost:7007/api/data-mesh/health >/dev/null || {
  echo "The backend did not answer within 120 s:" && tail -50 "$log" && exit 1
}

e2e_log="$(mktemp -t datamesh-e2e.XXXXXX.log)"
CI=true PLAYWRIGHT_URL=http://localhost:7007 yarn playwright test 2>&1 | tee "$e2e_log" || {
  echo "Backend log:" && tail -80 "$log"
  # Last, where a reader of the output's tail sees it: which tests failed, and how.
  echo "Failed end-to-end tests (repeated from above):"
  sed -n '/^  1) /,$p' "$e2e_log" | tail -150
  exit 1
}
