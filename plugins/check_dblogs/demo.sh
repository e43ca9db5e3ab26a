#!/usr/bin/env bash
# Demo of check_dblogs for `make demo`: scripts/demo.sh can call
#   plugins/check_dblogs/demo.sh BIN HEALTHY_BASE BROKEN_BASE
# The healthy sample has two logs; the broken one gets twelve, the oldest
# four hours old, and a log cleanup stamp three hours old.
set -uo pipefail
BIN=${1:?BIN} healthy=${2:?HEALTHY_BASE} broken=${3:?BROKEN_BASE}

run() {
	echo "\$ $*"
	"$@"
	echo "(exit $?)"
	echo
}

echo "=== check_dblogs, healthy"
run "$BIN/check_dblogs" -B "$healthy"

mbox="$broken/data/store/mboxlist"
for i in $(seq 41 52); do
	f=$(printf '%s/log.%010d' "$mbox" "$i")
	[ -e "$f" ] || truncate -s 10M "$f"
	touch -d "-$((4 * 60 - (i - 41) * 20)) minutes" "$f"
done
touch -d '-3 hours' "$broken/config/stored.lcu"
echo "=== check_dblogs, broken"
run "$BIN/check_dblogs" -B "$broken"
