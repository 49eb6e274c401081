#!/usr/bin/env bash
# One command runs every test: installs what a fresh machine lacks, then typecheck, lint, every vitest suite
# (unit, integration against PostgreSQL/FFmpeg/the stand-ins/moto, CloudFormation checks), the browser
# end-to-end tests, and the benchmarks in short mode. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh
set -e
ensure_node
ensure_pnpm
ensure_media_tools
ensure_chromium
ensure_postgres
ensure_moto
ensure_cfn_lint
ensure_packages
set +e

OUT=.tmp/test-results; rm -rf "$OUT"; mkdir -p "$OUT"
PASSED=0; FAILED=0
check() { # check <name> <command...>: a whole-command check counted as one test
  local name=$1; shift
  log "running $name"; local start=$SECONDS
  if "$@" >"$OUT/$name.log" 2>&1; then PASSED=$((PASSED+1)); log "$name: ok ($((SECONDS-start)) s)"
  else FAILED=$((FAILED+1)); log "$name: FAILED after $((SECONDS-start)) s (log below)"; tail -50 "$OUT/$name.log"; fi
}

check typecheck pnpm typecheck
check lint pnpm lint

log "running vitest (all packages)"; start=$SECONDS
NO_COLOR=1 pnpm exec vitest run --config vitest.all.config.ts --maxWorkers=2 --reporter=default --reporter=json --outputFile.json="$OUT/vitest.json" 2>&1 | tee "$OUT/vitest.log" | grep -E "✓|×|FAIL|Test Files|Tests " | grep -vE "^\s+✓" || true
if [ -f "$OUT/vitest.json" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + r.testResults.filter(t=>t.status==="failed" && !t.assertionResults.some(a=>a.status==="failed")).length)' "$PWD/$OUT/vitest.json")
  PASSED=$((PASSED+vp)); FAILED=$((FAILED+vf)); log "vitest: $((SECONDS-start)) s"
else
  log "vitest produced no results"; FAILED=$((FAILED+1))
fi

if [ -f apps/web/playwright.config.ts ]; then
  log "running Playwright end-to-end tests (Chromium)"; start=$SECONDS
  (cd apps/web && PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/../../$OUT/playwright.json" pnpm exec playwright test --reporter=list,json) >"$OUT/playwright.log" 2>&1
  node -e '
    // A run that could not start (its web server failed) reports no test and an error: that is a failure, never a pass.
    let p=0,f=1;try{const r=require(process.argv[1]);p=r.stats.expected+r.stats.flaky;f=r.stats.unexpected+(r.errors??[]).length;if(p+f===0)f=1}catch{}
    console.log(p,f)' "$PWD/$OUT/playwright.json" > "$OUT/playwright.counts"
  read -r pp pf < "$OUT/playwright.counts"
  grep -E "✓|✘|passed|failed|Error" "$OUT/playwright.log" | tail -30
  PASSED=$((PASSED+pp)); FAILED=$((FAILED+pf)); log "Playwright: $((SECONDS-start)) s"
fi

for b in bench/*/*.bench.ts; do
  [ -f "$b" ] || continue
  name=bench-$(basename "$b" .bench.ts)
  check "$name" pnpm exec tsx "$b" --short
  grep -E "^\s*(\||[A-Za-z].*:)" "$OUT/$name.log" | tail -25
done

echo
log "total: $SECONDS s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
