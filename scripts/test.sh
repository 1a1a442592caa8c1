#!/usr/bin/env bash
# `npm test`: lint, typecheck, build, unit and integration tests (with a real
# Secret Service on Linux), then the end-to-end run in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step() { printf '\n== %s\n' "$*"; }
step lint;      npm run --silent lint
step typecheck; npm run --silent typecheck
step build;     npx electron-vite build
step "unit and integration"; bash scripts/with-keyring.sh npx vitest run --project shared --project main --project renderer
step "crash injection"; npx vitest run --project crash
step "end to end"; bash scripts/with-keyring.sh npx playwright test
