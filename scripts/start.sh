#!/usr/bin/env bash
# One command: install what is missing, build the web app, start everything on the embedded stack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh
ensure_node
ensure_pnpm
ensure_media_tools
ensure_packages
log "building the web app"
# Built aside and then swapped in: a copy already running beside this one keeps serving the app meanwhile.
rm -rf apps/web/.tmp/dist
pnpm --filter @photoreel/web exec vite build --outDir .tmp/dist --emptyOutDir >/dev/null
rm -rf apps/web/.tmp/dist.old
if [ -d apps/web/dist ]; then mv apps/web/dist apps/web/.tmp/dist.old; fi
mv apps/web/.tmp/dist apps/web/dist
rm -rf apps/web/.tmp/dist.old
export WEB_DIST_DIR=${WEB_DIST_DIR:-$PWD/apps/web/dist}
export DATA_DIR=${DATA_DIR:-$PWD/.data}
exec node --import tsx apps/api/src/main.ts
