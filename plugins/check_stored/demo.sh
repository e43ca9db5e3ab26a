#!/usr/bin/env bash
# Demo of check_stored for `make demo`: scripts/demo.sh can call
#   plugins/check_stored/demo.sh BIN HEALTHY_BASE BROKEN_BASE
# with the two bases mksample printed. The sample's pid file names pid
# 28250, which is not alive here, so the healthy run starts a stand-in
# stored (a copy of sleep called BASE/lib/stored) and writes its pid into
# the pid file; it is killed at the end. The broken run shows a dead pid
# and a stale checkpoint stamp.
set -uo pipefail
BIN=${1:?BIN} healthy=${2:?HEALTHY_BASE} broken=${3:?BROKEN_BASE}

run() {
	echo "\$ $*"
	"$@"
	echo "(exit $?)"
	echo
}

mkdir -p "$healthy/lib"
cp /bin/sleep "$healthy/lib/stored"
"$healthy/lib/stored" 600 &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
echo "$fake ready" >"$healthy/data/proc/store"
touch -d '-7 hours' "$healthy/data/proc/store"

echo "=== check_stored, healthy (stand-in stored, pid $fake)"
run "$BIN/check_stored" -B "$healthy"

# Broken: pid 28250 from the sample is dead; no checkpoint for 23 minutes,
# no log cleanup for 3 hours.
touch -d '-23 minutes' "$broken/config/stored.ckp"
touch -d '-3 hours' "$broken/config/stored.lcu"
echo "=== check_stored, broken"
run "$BIN/check_stored" -B "$broken"
