#!/usr/bin/env bash
# Everything the tests need, then the tests: the real engines (cached in .engines/, full Dapr's daprd included), Chromium for the
# report's browser test, a PostgreSQL for LangGraph's PostgresSaver (stopped again afterwards).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# every adapter's e2e tests run by default: full Dapr (daprd + placement + scheduler, built from Go modules) too
export ORDEAL_DAPR_FULL="${ORDEAL_DAPR_FULL:-1}"
node bin/ordeal.js engines install
bash scripts/chromium.sh
ORDEAL_POSTGRES_URL="$(bash scripts/postgres.sh)"
export ORDEAL_POSTGRES_URL
trap 'bash scripts/postgres.sh stop || true' EXIT
npx vitest run "$@"
