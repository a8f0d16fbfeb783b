#!/usr/bin/env bash
# The browser tests drive Debian's Chromium, the HTML checks need Java and the tests of
# servers sharing rate limits (tests/ops) run a real Redis, and the benchmark's own test
# drives wrk: install them when missing and
# we may (root with apt-get), otherwise say exactly what is needed.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} with apt-get (needed by the browser, HTML and server tests)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run make test again." >&2
  exit 1
fi
