#!/usr/bin/env bash
# make demo: materialise the sample server twice, healthy and broken (see
# tools/mksample), and run every plugin against both, as an administrator
# would in a terminal. Then the whole store at a glance with check_msgstore.
set -uo pipefail
BIN=${1:-build/bin}
ROOT=build/demo
rm -rf "$ROOT"
mkdir -p "$ROOT/state"
healthy=$(go run ./tools/mksample -o "$ROOT/healthy") || exit 1
broken=$(go run ./tools/mksample -o "$ROOT/broken" -broken) || exit 1
# Paths relative to the repository, as the READMEs' examples write them;
# check_folders needs an absolute reconstruct, so it (and check_msgstore,
# which runs it) get "$PWD"/... .
healthy=${healthy#"$PWD"/}
broken=${broken#"$PWD"/}
hroot=$(dirname "$(dirname "$healthy")")
broot=$(dirname "$(dirname "$broken")")
state=$ROOT/state

run() {
	echo "\$ $*" | sed "s|$PWD/|\"\$PWD\"/|g"
	"$@"
	echo "(exit $?)"
	echo
}

# The sample's pid file names pid 28250, which is not alive here: the
# healthy server gets a stand-in stored (a copy of sleep named stored).
cp /bin/sleep "$healthy/lib/stored"
"$healthy/lib/stored" 600 &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
echo "$fake ready" >"$healthy/data/proc/store"
touch -d '-7 hours' "$healthy/data/proc/store"

section() { printf '\n======== %s ========\n\n' "$*"; }

section "check_msgstore_disk: Check Hardware Space"
run "$BIN/check_msgstore_disk" -B "$healthy"
run "$BIN/check_msgstore_disk" -B "$broken"

section "check_msglogs: Check Log Files"
plugins/check_msglogs/demo.sh "$BIN" "$healthy" "$broken"

section "check_telemetry: Check User Sessions by Using Telemetry"
run "$BIN/check_telemetry" -B "$healthy"
run "$BIN/check_telemetry" -B "$broken" --response-warning 2

section "check_stored: Check stored Processes"
run "$BIN/check_stored" -B "$healthy"
run "$BIN/check_stored" -B "$broken"

section "check_dblogs: Check Database Log Files"
run "$BIN/check_dblogs" -B "$healthy"
run "$BIN/check_dblogs" -B "$broken"

section "check_folders: Check User Folders (reconstruct -r -n)"
run "$BIN/check_folders" -B "$PWD/$healthy"
run "$BIN/check_folders" -B "$PWD/$broken"

section "check_cores: Check for Core Files"
run "$BIN/check_cores" -B "$healthy" --core-dir "$hroot/var/cores"
run "$BIN/check_cores" -B "$broken" --core-dir "$broot/var/cores"

section "check_msgqueue: the MTA queue"
run "$BIN/check_msgqueue" -B "$healthy" --state-dir "$state/healthy"
run "$BIN/check_msgqueue" -B "$broken" --state-dir "$state/broken" --channel-warning ims-ms=50 --held-warning 0

section "check_msgstore: the whole store at a glance"
run "$BIN/check_msgstore" -B "$PWD/$healthy" --state-dir "$state/healthy" --format table \
	--with "cores=--core-dir $hroot/var/cores"
run "$BIN/check_msgstore" -B "$PWD/$broken" --state-dir "$state/broken" --format table \
	--with "cores=--core-dir $broot/var/cores" --with "telemetry=--response-warning 2" \
	--with "msgqueue=--channel-warning ims-ms=50 --held-warning 0"
echo "(Nagios and NRPE get the same as one line with perfdata: --format=nagios; scripts: --json)"
exit 0
