#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser test when it is missing; idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
sudo_cmd=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >&2
command -v chromium >&2
