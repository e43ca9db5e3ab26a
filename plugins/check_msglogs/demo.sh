#!/usr/bin/env bash
# Demo of check_msglogs for `make demo`: scripts/demo.sh can call
#   plugins/check_msglogs/demo.sh BIN HEALTHY_BASE BROKEN_BASE
# with the two bases mksample printed. The healthy run is a first check
# (positions taken at the end of each log). The broken run writes a Critical
# and two Error lines to the IMAP log, rotating it in between as the server
# does, leaves the POP log silent for 3 hours, and runs twice: the first run
# counts the new lines, the second finds them gone (only the silence stays).
# Last, the nightly expire: recent on the healthy sample, 3 days old on the
# broken one.
set -uo pipefail
BIN=${1:?BIN} healthy=${2:?HEALTHY_BASE} broken=${3:?BROKEN_BASE}
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

run() {
	echo "\$ $*"
	"$@"
	echo "(exit $?)"
	echo
}

echo "=== check_msglogs, healthy (first check)"
run "$BIN/check_msglogs" -B "$healthy" --state-dir "$state/healthy"
echo "=== check_msglogs, healthy (next check)"
run "$BIN/check_msglogs" -B "$healthy" --state-dir "$state/healthy"

log="$broken/log"
"$BIN/check_msglogs" -B "$broken" --state-dir "$state/broken" >/dev/null
cat >>"$log/imap" <<'LINES'
[28/Nov/2026:16:20:00 +0000] mailhost imapd[6747]: Store Critical: Unable to open mailbox user/joe/INBOX: Mailbox does not exist
[28/Nov/2026:16:20:01 +0000] mailhost imapd[6747]: Store Error: user/joe: Mailbox has an invalid format; repair requested
LINES
mv "$log/imap" "$log/imap.38.1795882800"
cat >>"$log/imap" <<'LINES'
[28/Nov/2026:16:20:00 +0000] mailhost imapd[6747]: General Notice: Log created (1795882800)
[28/Nov/2026:16:20:05 +0000] mailhost imapd[6747]: Store Error: Invalid cache data for msg 102 in mailbox user/joe/INBOX. Needs reconstruct
LINES
touch -d '-3 hours' "$log/pop"
echo "=== check_msglogs, broken: new lines across a rotation, POP silent"
run "$BIN/check_msglogs" -B "$broken" --state-dir "$state/broken"
echo "=== check_msglogs, broken, second run: the lines were counted once"
run "$BIN/check_msglogs" -B "$broken" --state-dir "$state/broken"

# The nightly expire (the check_msglogs_expire command): the healthy sample
# finished last night, the broken one three days ago. The first run of the
# definition searches the default log (and its rotated files) for the line.
expire=(-s default --stale-warning 0 -c critical=off -w error=off -w match=off --expect 'default=imexpire.*Expire finished/26h')
echo "=== check_msglogs_expire, healthy"
run "$BIN/check_msglogs" -B "$healthy" --state-dir "$state/healthy" "${expire[@]}"
echo "=== check_msglogs_expire, broken: imexpire has not finished for 3 days"
run "$BIN/check_msglogs" -B "$broken" --state-dir "$state/broken" "${expire[@]}"
