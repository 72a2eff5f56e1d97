#!/usr/bin/env bash
# Everything the tests need, then the tests: the real engines (cached in .engines/, full Dapr's daprd and the Python venv
# included), Chromium for the report's browser test, a PostgreSQL (LangGraph's PostgresSaver, DBOS) and a Docker daemon with
# local images of the engines for the containers launcher (both stopped again afterwards), the Python kit's pytest suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# the engines install (downloads and go builds, minutes from empty caches) in the background, in a process group of its
# own, while the habits run: lint, format and the typecheck of sources and tests still fail the run within a minute,
# and stop the install on their way out
setsid node bin/ordeal.js engines install &
install=$!
trap 'kill -- "-$install" 2>/dev/null || true' EXIT
npm run -s lint
npm run -s typecheck
wait "$install"
bash scripts/chromium.sh
ORDEAL_POSTGRES_URL="$(bash scripts/postgres.sh)"
export ORDEAL_POSTGRES_URL
trap 'bash scripts/postgres.sh stop || true; bash scripts/docker.sh stop || true' EXIT
# the Python worker kit's own suite against a real world process (needs dist/; a type error elsewhere still emits it)
[ -f dist/harness/world/main.js ] || npx tsc -p tsconfig.json || [ -f dist/harness/world/main.js ]
# a Docker daemon and local images of the engines, for the containers launcher's tests (no registry is reachable)
bash scripts/docker.sh
"${ORDEAL_ENGINES_DIR:-$root/.engines}/python/venv/bin/python" -m pytest -q python/tests
npx vitest run "$@"
