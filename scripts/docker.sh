#!/usr/bin/env bash
# Makes a Docker daemon answer for the containers launcher's tests: installs Debian's docker.io when there is no dockerd,
# starts dockerd (root, overlay2, logs under .engines/docker) when none answers, and builds the local images of the
# installed engines (`ordeal engines images`). Idempotent. `docker.sh stop` stops a dockerd this script started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${ORDEAL_ENGINES_DIR:-$root/.engines}/docker"
pidfile="$base/dockerd.pid"
mkdir -p "$base"

if [ "${1:-}" = stop ]; then
  # read once: dockerd removes its pidfile as it exits
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  exit 0
fi

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! answers; then
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker.sh: installing Debian's docker.io (no dockerd found)" >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >&2
  fi
  [ "$(id -u)" = 0 ] || { echo "docker.sh: no Docker daemon answers and starting dockerd needs root" >&2; exit 3; }
  echo "docker.sh: starting dockerd (log: $base/dockerd.log)" >&2
  dockerd --host unix:///var/run/docker.sock --pidfile "$pidfile" >"$base/dockerd.log" 2>&1 &
  for _ in $(seq 1 300); do answers && break; sleep 0.1; done
  answers || { echo "docker.sh: dockerd did not answer within 30 s; the end of its log:" >&2; tail -n 20 "$base/dockerd.log" >&2; exit 3; }
fi
node "$root/bin/ordeal.js" engines images >&2
