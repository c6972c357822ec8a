#!/usr/bin/env bash
# Runs the production build the way the Docker image does (packages/backend/Dockerfile), on
# this checkout: unpacks the backend bundle of `yarn build:all` into dist-bundle/, points the
# bundle's workspace packages at their built copies, and starts the backend, which serves the
# built app. Third-party modules come from the checkout's node_modules.
#   yarn build:all && yarn start:production [--config extra.yaml]
# Like any production backend it needs DATA_MESH_CI_TOKEN and a sign-in provider, and says so
# when they are missing; for a local trial, --config app-config.e2e.yaml provides both (guest
# sign-in, a test token), and --config app-config.e2e-sqlite.yaml runs without PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=packages/backend/dist/bundle.tar.gz
[ -f "$bundle" ] || { echo "No $bundle: run 'yarn build:all' first." >&2; exit 1; }

rm -rf dist-bundle && mkdir dist-bundle
tar xzf "$bundle" -C dist-bundle
for manifest in dist-bundle/plugins/*/package.json dist-bundle/packages/app/package.json; do
  name=$(node -p "require('./$manifest').name")
  mkdir -p "dist-bundle/node_modules/$(dirname "$name")"
  ln -s "$PWD/$(dirname "$manifest")" "dist-bundle/node_modules/$name"
done

exec node dist-bundle/packages/backend \
  --config app-config.yaml --config app-config.production.yaml "$@"
