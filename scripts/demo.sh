#!/usr/bin/env bash
# make demo: materialise the sample server twice, healthy and broken (see
# tools/mksample), and run every plugin against both, as an administrator
# would in a terminal. Then the whole store at a glance with check_msgstore,
# and the OCMS 8 sample with Unified Configuration.
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

# No daemon of the sample runs here: stand-ins (copies of sleep under the
# daemons' names) are started from BASE/lib as start-msg starts the real
# ones, and killed when the demo ends. The healthy server runs every daemon
# its msg.conf expects, imapd twice; the broken one lacks imapd and the
# watcher. The sample's pid file names pid 28250, which is not alive here:
# the healthy one's names its stand-in stored.
fakes=()
mounted_logfs=
trap 'kill "${fakes[@]}" 2>/dev/null; [ -z "$mounted_logfs" ] || umount "$logfs"' EXIT
standin() { # standin BASE NAME
	[ -e "$1/lib/$2" ] || cp /bin/sleep "$1/lib/$2"
	"$1/lib/$2" 600 &
	fakes+=($!)
}
for d in stored enpd imapd imapd popd mshttpd imsched dispatcher job_controller tcp_smtp_server watcher; do
	standin "$healthy" "$d"
done
for d in stored enpd popd mshttpd imsched dispatcher job_controller tcp_smtp_server; do
	standin "$broken" "$d"
done
fake=${fakes[0]}
echo "$fake ready" >"$healthy/data/proc/store"
touch -d '-7 hours' "$healthy/data/proc/store"

section() { printf '\n======== %s ========\n\n' "$*"; }

section "check_msgstore_disk: Check Hardware Space"
run "$BIN/check_msgstore_disk" -B "$healthy"
run "$BIN/check_msgstore_disk" -B "$broken"

# "Check Hardware Space" includes the logs: a log directory on a small file
# system of its own is the common case. As root the demo mounts a 4 MiB
# tmpfs, fills it, and points the broken sample's IMAP logs there for one
# run; elsewhere it says why it skipped.
logfs=$ROOT/logfs
mkdir -p "$logfs"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m msgstore-demo-logs "$logfs" 2>/dev/null; then
	mounted_logfs=1
	head -c 3900k /dev/zero >"$logfs/imap.36.1795000000"
	cp "$broken/log/imap" "$logfs/"
	conf=$broken/config/msg.conf
	cp "$conf" "$conf.demo"
	sed -i "s|^logfile.imap.logdir = .*|logfile.imap.logdir = \"$PWD/$logfs\"|" "$conf"
	echo "The broken sample's IMAP logs on a full 4 MiB file system of their own:"
	run "$BIN/check_msgstore_disk" -B "$broken" --lock-threshold 99
	mv "$conf.demo" "$conf"
	umount "$logfs" && mounted_logfs=
else
	echo "(a full log file system: needs root to mount a 4 MiB tmpfs, skipped)"
	echo
fi

section "check_msglogs: Check Log Files"
plugins/check_msglogs/demo.sh "$BIN" "$healthy" "$broken"

section "check_telemetry: Check User Sessions by Using Telemetry"
run "$BIN/check_telemetry" -B "$healthy"
run "$BIN/check_telemetry" -B "$broken" --response-warning 2

section "check_stored: Check stored Processes"
run "$BIN/check_stored" -B "$healthy"
run "$BIN/check_stored" -B "$broken"

section "check_msgprocs: Check stored Processes (and the other daemons)"
run "$BIN/check_msgprocs" -B "$healthy"
run "$BIN/check_msgprocs" -B "$broken"

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

section "OCMS 8 with Unified Configuration: -B only"
# config.xml and a stand-in bin/msconfig, no msg.conf, no imta_tailor, no
# data link: the data root is found at /var/BASE (here under the sample's
# own root).
uc=$(go run ./tools/mksample -o "$ROOT/uc" -uc) || exit 1
ucvar=${uc%/opt/sun/comms/messaging64}/var/opt/sun/comms/messaging64
ucfirst=${#fakes[@]}
for d in stored enpd imapd mshttpd imsched dispatcher job_controller tcp_smtp_server watcher; do
	standin "$uc" "$d" # its configuration turns pop off
done
echo "${fakes[$ucfirst]} ready" >"$ucvar/proc/store"
touch -d '-7 hours' "$ucvar/proc/store"
run "$BIN/check_msgstore_disk" -B "$uc" -v
run "$BIN/check_msgstore" -B "$uc" --state-dir "$state/uc" --format table
echo "Without msconfig and with a config.xml that says nothing, line 1 says what could not be read:"
mv "$uc/bin/msconfig" "$uc/bin/msconfig.away"
cp "$ucvar/config/config.xml" "$ucvar/config/config.xml.away"
echo '<configuration/>' >"$ucvar/config/config.xml"
run "$BIN/check_msgstore_disk" -B "$uc"
run "$BIN/check_msglogs" -B "$uc" --state-dir "$state/uc"
echo "Blind is not OK: an empty msg-svr-base and a data link to nothing:"
mkdir -p "$ROOT/empty"
run "$BIN/check_telemetry" -B "$ROOT/empty"
ln -sfn /nonexistent/var/opt/SUNWmsgsr "$broken/data"
run "$BIN/check_cores" -B "$broken"
exit 0
