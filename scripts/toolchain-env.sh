# Source this file (`. scripts/toolchain-env.sh`) to get the yarn 4 toolchain this repo expects
# on a machine with Node and corepack but no yarn on PATH. It never writes the registry's
# address into a file: the registry comes from `npm config get registry`.
TOOLCHAIN_BIN="${TOOLCHAIN_BIN:-$HOME/.cache/datamesh-portal/bin}"
mkdir -p "$TOOLCHAIN_BIN"
if ! command -v yarn >/dev/null 2>&1; then
  corepack enable --install-directory "$TOOLCHAIN_BIN" yarn
fi
export PATH="$TOOLCHAIN_BIN:$PATH"
_registry="$(npm config get registry | sed 's#/$##')"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_DEFAULT_TO_LATEST=0
export COREPACK_NPM_REGISTRY="$_registry" YARN_NPM_REGISTRY_SERVER="$_registry"
# better-sqlite3 is compiled against the headers of the running Node.
export npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
export YARN_ENABLE_TELEMETRY=0
unset _registry
