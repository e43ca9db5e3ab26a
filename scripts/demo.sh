#!/usr/bin/env bash
# make demo: materialise the sample server twice, healthy and broken, and
# run every plugin against both, as an administrator would in a terminal.
set -uo pipefail
BIN=${1:-build/bin}
ROOT=build/demo
rm -rf "$ROOT"
mkdir -p "$ROOT"
healthy=$(go run ./tools/mksample -o "$ROOT/healthy") || exit 1
broken=$(go run ./tools/mksample -o "$ROOT/broken" -broken) || exit 1

run() {
	echo "\$ $*"
	"$@"
	echo "(exit $?)"
	echo
}

echo "=== Healthy sample server: $healthy"
echo
run "$BIN/check_msgstore_disk" -B "$healthy"

echo "=== Broken sample server: $broken"
echo
run "$BIN/check_msgstore_disk" -B "$broken" -w 100% -c 1GiB
exit 0
