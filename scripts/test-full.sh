#!/usr/bin/env bash
# Everything the tests need, then the tests: the real engines (cached in .engines/), Chromium for the
# report's browser test, a PostgreSQL for LangGraph's PostgresSaver (stopped again afterwards).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
node bin/ordeal.js engines install
bash scripts/chromium.sh
ORDEAL_POSTGRES_URL="$(bash scripts/postgres.sh)"
export ORDEAL_POSTGRES_URL
trap 'bash scripts/postgres.sh stop || true' EXIT
npx vitest run "$@"
