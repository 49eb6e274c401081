#!/usr/bin/env bash
# What `docker run photoreel-test` runs in CodeBuild (buildspec.yml): the checks, in the image the worker ships on,
# against the PostgreSQL major version RDS runs (installed in the root Dockerfile's test target).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/ensure.sh
ensure_postgres
log "PostgreSQL $(psql "$TEST_DATABASE_URL" -Atc 'show server_version'), $(ffmpeg -version | head -1)"
pnpm lint
pnpm typecheck
pnpm test
