#!/usr/bin/env bash
# One command: install what is missing, build the web app, start everything on the embedded stack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh
ensure_pnpm
ensure_media_tools
ensure_packages
log "building the web app"
pnpm --filter @photoreel/web build >/dev/null
export WEB_DIST_DIR=${WEB_DIST_DIR:-$PWD/apps/web/dist}
export DATA_DIR=${DATA_DIR:-$PWD/.data}
exec node --import tsx apps/api/src/main.ts
