#!/usr/bin/env bash
# test/bench/bench.sh: `make bench` (full size) and `make bench-quick` (small).
#
# Builds sample servers of configurable size and times our plugins against
# what an administrator runs today (monitoring-plugins' check_disk,
# check_procs, check_file_age, check_log; GNU find, grep, cat), A against B
# in alternation: ROUNDS rounds of `hyperfine --runs RUNS` each, the order of
# the two commands swapped every round, all runs pooled into a median. Peak
# RSS comes from /usr/bin/time -f %M. Each comparison is a section that runs
# only when its plugin is built (build/bin) and is listed as skipped
# otherwise. The table goes to stdout and to $BENCH_OUT/results.md.
#
# Environment (defaults depend on BENCH_MODE=full|quick):
#   BENCH_MODE            full (the sizes of issue 10) or quick (small, for developing)
#   BENCH_ONLY            comma list of sections to run: floor,disk,stored,dblogs,cores,msglogs,telemetry,folders,go
#   BENCH_ROUNDS          alternation rounds per comparison
#   BENCH_RUNS            timed runs per command per round (after one warm-up), slow comparisons
#   BENCH_RUNS_FAST       the same for comparisons of milliseconds, where noise needs more runs
#   BENCH_MSG_FILES       message files in the big server's primary partition
#   BENCH_DB_OTHER_FILES  files other than log.* in the big server's mboxlist
#   BENCH_DB_LOGS         log.* files in that mboxlist
#   BENCH_BIG_LOG         the big imap log (idle check_msglogs run)
#   BENCH_SMALL_LOG       the small imap log (idle run, and check_log)
#   BENCH_NEW_LOG         new lines appended for the scanning comparison
#   BENCH_CHECKLOG_LOG    a second, larger log for check_log (which copies and diffs the whole file)
#   BENCH_TELEMETRY_FILES telemetry session files
#   BENCH_TELEMETRY_BYTES their total size
#   BENCH_GO              1: also run `go test -bench` (BENCH_GOTIME per benchmark)
#   BENCH_KEEP            1: keep the generated servers in $BENCH_OUT/work
#   BIN, GO, BENCH_OUT    build/bin, go, build/bench
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

MODE=${BENCH_MODE:-full}
case $MODE in
full)
	: "${BENCH_ROUNDS:=5}" "${BENCH_RUNS:=3}" "${BENCH_RUNS_FAST:=20}"
	: "${BENCH_MSG_FILES:=1000000}" "${BENCH_DB_OTHER_FILES:=100000}" "${BENCH_DB_LOGS:=50}"
	: "${BENCH_BIG_LOG:=2GiB}" "${BENCH_SMALL_LOG:=2MiB}" "${BENCH_NEW_LOG:=1GiB}" "${BENCH_CHECKLOG_LOG:=256MiB}"
	: "${BENCH_TELEMETRY_FILES:=10000}" "${BENCH_TELEMETRY_BYTES:=1GiB}"
	: "${BENCH_GO:=1}" "${BENCH_GOTIME:=1s}"
	;;
quick)
	: "${BENCH_ROUNDS:=3}" "${BENCH_RUNS:=3}" "${BENCH_RUNS_FAST:=10}"
	: "${BENCH_MSG_FILES:=20000}" "${BENCH_DB_OTHER_FILES:=10000}" "${BENCH_DB_LOGS:=50}"
	: "${BENCH_BIG_LOG:=20MiB}" "${BENCH_SMALL_LOG:=2MiB}" "${BENCH_NEW_LOG:=10MiB}" "${BENCH_CHECKLOG_LOG:=8MiB}"
	: "${BENCH_TELEMETRY_FILES:=1000}" "${BENCH_TELEMETRY_BYTES:=10MiB}"
	: "${BENCH_GO:=0}" "${BENCH_GOTIME:=100ms}"
	;;
*)
	echo "bench: BENCH_MODE must be full or quick, not $MODE" >&2
	exit 2
	;;
esac
: "${BENCH_ONLY:=floor,disk,stored,dblogs,cores,msglogs,telemetry,folders,go}"

GO=${GO:-go}
BIN=$(realpath -m "${BIN:-build/bin}")
OUT=$(realpath -m "${BENCH_OUT:-build/bench}")
WORK=$OUT/work
RAW=$OUT/raw
RECORDS=$OUT/records.tsv
LOG=$OUT/bench.log
NAGIOS=${NAGIOS_PLUGINS:-/usr/lib/nagios/plugins}
TIME=/usr/bin/time
RSS_LIMIT_MB=15

# Commands are strings run by hyperfine (and by sh for the first line and
# the peak RSS), so the paths in them must not need quoting.
case $OUT in
*[!A-Za-z0-9/._-]*)
	echo "bench: BENCH_OUT=$OUT: use a path without spaces or shell characters" >&2
	exit 2
	;;
esac

say() { printf 'bench: %s\n' "$*" >&2; }
want() { [[ ",$BENCH_ONLY," == *",$1,"* ]]; }
have() { [ -x "$BIN/$1" ]; }
clean() { printf '%s' "$*" | tr '\t\n\r' '   '; }

# ---------------------------------------------------------------- setup --

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$RAW" "$WORK"
mkdir -p "$RAW" "$WORK" "$OUT/tools"
: >"$LOG"
printf 'id\ttitle\tours\ttheirs\ttarget\trss_ours_kb\trss_theirs_kb\trss_target_mb\tline1\tstatus\tnote\n' >"$RECORDS"

HYPERFINE=$(command -v hyperfine || true)
[ -x "$TIME" ] || TIME=""
if [ -z "$HYPERFINE" ]; then
	say "hyperfine not found (Debian package hyperfine): falling back to /usr/bin/time, 10 ms resolution"
	[ -n "$TIME" ] || { say "neither hyperfine nor /usr/bin/time (Debian package time): cannot time anything"; exit 1; }
fi
[ -n "$TIME" ] || say "/usr/bin/time not found (Debian package time): peak RSS is not measured"

say "building the generators"
"$GO" build -o "$OUT/tools/benchtool" ./test/bench/benchtool
"$GO" build -o "$OUT/tools/mksample" ./tools/mksample
BT=$OUT/tools/benchtool

# started holds the pids of the fake stored processes we started; they are
# ended by pid when the script exits, however it exits.
started=()
cleanup() {
	for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
	if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# sample NAME: a fresh healthy sample server; prints its msg-svr-base.
sample() {
	"$OUT/tools/mksample" -o "$WORK/$1"
}

# live_stored BASE: a process named stored (a copy of sleep) with its pid
# in the pid file, and fresh stamps, so that check_stored is healthy.
live_stored() {
	local base=$1
	fresh_stamps "$base"
	[ ! -e "$base/lib/stored" ] || return 0 # already running
	cp /bin/sleep "$base/lib/stored"
	"$base/lib/stored" 86400 &
	started+=($!)
	echo "$! ready" >"$base/data/proc/store"
}
fresh_stamps() { touch "$1"/config/stored.ckp "$1"/config/stored.lcu "$1"/config/stored.per; }

# ------------------------------------------------------------ measuring --

# record ID TITLE OURS THEIRS TARGET RSS_OURS RSS_THEIRS RSS_TARGET LINE1 STATUS NOTE
record() {
	local out="" f
	for f in "$@"; do out+="$(clean "$f")"$'\t'; done
	printf '%s\n' "${out%$'\t'}" >>"$RECORDS"
}

# skip ID TITLE TARGET NOTE: a comparison whose plugin is not built yet.
skip() {
	say "skip $1: $4"
	record "$1" "$2" "" "" "$3" "" "" "$RSS_LIMIT_MB" "" skipped "$4"
}

# run CMD: run a command string as hyperfine -N does: split into words
# (quotes respected), no shell. Commands that need a pipe say sh -c
# themselves, and so pay for the shell as an administrator's would.
run() { sh -c "exec $1"; }

# peak_rss CMD PREPARE: the largest peak RSS (KiB) of 3 runs.
peak_rss() {
	local cmd=$1 prepare=$2 max=0 kb i
	[ -n "$TIME" ] || { echo 0; return; }
	for i in 1 2 3; do
		[ -z "$prepare" ] || sh -c "$prepare"
		sh -c "exec $TIME -f %M -o $OUT/rss.txt $cmd" 2>/dev/null | cat >/dev/null || true
		kb=$(tail -n 1 "$OUT/rss.txt")
		[[ $kb =~ ^[0-9]+$ ]] || kb=0
		if ((kb > max)); then max=$kb; fi
	done
	echo "$max"
}

# timed_rounds ID RUNS PREPARE OURS THEIRS: ROUNDS rounds of RUNS runs
# each, the order swapped every round, into RAW/ID.rN.json (hyperfine) or
# RAW/ID.rN.times (fallback).
timed_rounds() {
	local id=$1 runs=$2 prepare=$3 ours=$4 theirs=$5 r
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		local names=(ours theirs) cmds=("$ours" "$theirs")
		if ((r % 2 == 0)); then names=(theirs ours) cmds=("$theirs" "$ours"); fi
		if [ -n "$HYPERFINE" ]; then
			# --output=pipe: GNU grep stops at the first match when its
			# output is /dev/null; Nagios reads a plugin through a pipe.
			local args=(-N --output=pipe --style basic --ignore-failure --warmup 1 --runs "$runs" --export-json "$RAW/$id.r$r.json")
			# The prepare command may hold && and is always run by sh.
			if [ -n "$prepare" ]; then args+=(--prepare "sh -c '$prepare'"); fi
			"$HYPERFINE" "${args[@]}" -n "${names[0]}" "${cmds[0]}" -n "${names[1]}" "${cmds[1]}" >>"$LOG" 2>&1
		else
			local i k
			for ((i = 0; i < runs; i++)); do
				for k in 0 1; do
					[ -z "$prepare" ] || sh -c "$prepare"
					sh -c "exec $TIME -f %e -o $OUT/t.txt ${cmds[$k]}" 2>/dev/null | cat >/dev/null || true
					echo "${names[$k]} $(tail -n 1 "$OUT/t.txt")" >>"$RAW/$id.r$r.times"
				done
			done
		fi
	done
}

# compare ID TITLE TARGET SPEED OURS THEIRS [PREPARE [NOTE]]
#   SPEED fast: BENCH_RUNS_FAST runs per round (commands of milliseconds,
#   where the machine's noise needs many runs); slow: BENCH_RUNS.
#   PREPARE runs before every run of either command, untimed.
compare() {
	local id=$1 title=$2 target=$3 speed=$4 ours=$5 theirs=$6 prepare=${7:-} note=${8:-}
	local runs=$BENCH_RUNS
	[ "$speed" != fast ] || runs=$BENCH_RUNS_FAST
	say "compare $id: $title"
	# The first run primes what a plugin remembers (a log offset); the
	# second shows the state that is then timed.
	[ -z "$prepare" ] || sh -c "$prepare"
	run "$ours" >/dev/null 2>&1 || true
	[ -z "$prepare" ] || sh -c "$prepare"
	local line1
	line1=$(run "$ours" 2>&1 | head -n 1 | cut -c 1-200 || true)
	timed_rounds "$id" "$runs" "$prepare" "$ours" "$theirs"
	local ro rt
	ro=$(peak_rss "$ours" "$prepare")
	rt=$(peak_rss "$theirs" "$prepare")
	record "$id" "$title" "$ours" "$theirs" "$target" "$ro" "$rt" "$RSS_LIMIT_MB" "$line1" ran "$note"
}

# state_args PLUGIN DIR: --state-dir DIR when the plugin keeps state.
state_args() {
	local help
	help=$("$BIN/$1" --help 2>/dev/null || true) # --help exits 3
	if [[ $help == *--state-dir* ]]; then
		mkdir -p "$2"
		echo "--state-dir $2"
	fi
}

# ------------------------------------------------------------- servers --

say "mode $MODE: rounds $BENCH_ROUNDS x runs $BENCH_RUNS (fast: $BENCH_RUNS_FAST); sample servers in $WORK"
DEFAULT=$(sample default)
DEFAULT_ROOT=$WORK/default

need_big=0
for s in dblogs cores telemetry msglogs; do want "$s" && need_big=1; done
if ((need_big)); then
	BIG=$(sample big)
	BIG_ROOT=$WORK/big
	PART=$BIG/data/store/partition/primary
	MBOXLIST=$BIG/data/store/mboxlist
	if want cores; then
		say "big: $BENCH_MSG_FILES message files in $PART"
		"$BT" msgs -root "$PART" -n "$BENCH_MSG_FILES"
	fi
	if want dblogs; then
		say "big: $BENCH_DB_OTHER_FILES other files and $BENCH_DB_LOGS log.* files in $MBOXLIST"
		"$BT" flat -dir "$MBOXLIST" -n "$BENCH_DB_OTHER_FILES" -format 'bench.%07d'
		# The sample has log.0000000041 and 42: continue the sequence to
		# BENCH_DB_LOGS logs in all.
		local_logs=$(find "$MBOXLIST" -maxdepth 1 -name 'log.*' | wc -l)
		"$BT" flat -dir "$MBOXLIST" -n $((BENCH_DB_LOGS - local_logs)) -start 43 -format 'log.%010d'
	fi
	if want telemetry; then
		say "big: $BENCH_TELEMETRY_FILES telemetry sessions, $BENCH_TELEMETRY_BYTES"
		"$BT" telemetry -dir "$BIG/data/telemetry" -n "$BENCH_TELEMETRY_FILES" -size "$BENCH_TELEMETRY_BYTES"
	fi
	if want msglogs; then
		say "big: imap log of $BENCH_BIG_LOG"
		"$BT" log -o "$BIG/log/imap" -size "$BENCH_BIG_LOG"
	fi
	sync
fi

# ------------------------------------------------------------- sections --

# floor_args PLUGIN: the options of a healthy run on the default sample
# as Nagios would schedule it; priming a plugin that needs it.
floor_args() {
	local p=$1 st=$WORK/state/floor-$1 args
	args=$(state_args "$p" "$st")
	case $p in
	check_folders)
		# Nagios reports the result that cron refreshed (reconstruct -r -n
		# takes minutes on a real store); the run itself is measured in
		# the folders section.
		run "$BIN/$p -B $DEFAULT $args --refresh" >/dev/null 2>&1 || true
		args+=" --cached"
		;;
	esac
	echo "$args"
}

section_floor() {
	live_stored "$DEFAULT"
	local path p args n=0
	for path in "$BIN"/check_*; do
		[ -x "$path" ] || continue
		p=${path##*/}
		n=$((n + 1))
		args=$(floor_args "$p")
		compare "floor-$p" "$p healthy run on the default sample vs check_dummy 0 (the floor)" "<=3" fast \
			"$BIN/$p -B $DEFAULT${args:+ $args}" "$NAGIOS/check_dummy 0" "touch $DEFAULT/config/stored.ckp $DEFAULT/config/stored.lcu $DEFAULT/config/stored.per"
	done
	[ "$n" -gt 0 ] || skip floor "every plugin vs check_dummy 0" "<=3" "no plugin in $BIN"
}

section_disk() {
	local t="check_msgstore_disk vs check_disk -p on the same three paths"
	have check_msgstore_disk || { skip disk "$t" "<=1.0" "check_msgstore_disk not built"; return; }
	local v=$DEFAULT/data
	compare disk "$t" "<=1.0" fast \
		"$BIN/check_msgstore_disk -B $DEFAULT -w 25% -c 10%" \
		"$NAGIOS/check_disk -w 25% -c 10% -p $v/store/partition/primary -p $v/store/mboxlist -p $v/queue"
}

section_stored() {
	local t="check_stored vs check_procs -C stored + check_file_age on the three stamps"
	have check_stored || { skip stored "$t" "<=0.5" "check_stored not built"; return; }
	live_stored "$DEFAULT"
	local c=$DEFAULT/config
	compare stored "$t" "<=0.5" fast \
		"$BIN/check_stored -B $DEFAULT" \
		"sh -c '$NAGIOS/check_procs -c 1: -C stored; $NAGIOS/check_file_age -w 300 -c 900 -f $c/stored.ckp; $NAGIOS/check_file_age -w 900 -c 3600 -f $c/stored.lcu; $NAGIOS/check_file_age -w 7200 -c 14400 -f $c/stored.per'" \
		"touch $c/stored.ckp $c/stored.lcu $c/stored.per"
}

section_dblogs() {
	local t="check_dblogs on a mboxlist of $BENCH_DB_OTHER_FILES other files + $BENCH_DB_LOGS logs vs find | wc -l"
	have check_dblogs || { skip dblogs "$t" "<=1.5" "check_dblogs not built"; return; }
	compare dblogs "$t" "<=1.5" slow \
		"$BIN/check_dblogs -B $BIG" \
		"sh -c \"find $MBOXLIST -maxdepth 1 -name 'log.*' | wc -l\""
}

section_cores() {
	local t1="check_cores on a server of $BENCH_MSG_FILES message files vs find over the server"
	local t2="check_cores -d on a tree of $BENCH_MSG_FILES files vs find on that tree"
	if ! have check_cores; then
		skip cores-server "$t1" "<=0.05" "check_cores not built"
		skip cores-tree "$t2" "<=1.2" "check_cores not built"
		return
	fi
	# find walks the sample's root (opt/ and var/, what / is on a real
	# host) without following symlinks: the cheapest whole-server walk.
	compare cores-server "$t1" "<=0.05" slow \
		"$BIN/check_cores -B $BIG" \
		"find $BIG_ROOT -name 'core*'" "" \
		"the plugin searches msg-svr-base's own directories and the system core directories, never the store partitions"
	# --depth 10: the partition's files are 4 levels down; find has no
	# limit, the plugin's default is 2.
	compare cores-tree "$t2" "<=1.2" slow \
		"$BIN/check_cores -B $BIG -d $PART --depth 10" \
		"find $PART -name 'core*'" "" "an explicit -d is searched even inside a partition"
}

section_msglogs() {
	local t1="check_msglogs, no new bytes: $BENCH_BIG_LOG log (ours) vs $BENCH_SMALL_LOG log (theirs)"
	local t2="check_msglogs scanning $BENCH_NEW_LOG of new lines vs grep -c -E 'Critical|Error'"
	local t3="check_msglogs repeated run vs check_log, $BENCH_SMALL_LOG log"
	local t4="check_msglogs repeated run vs check_log, $BENCH_CHECKLOG_LOG log"
	if ! have check_msglogs; then
		skip msglogs-idle "$t1" "~1" "check_msglogs not built"
		skip msglogs-scan "$t2" "<=1.5" "check_msglogs not built"
		skip msglogs-checklog "$t3" "<=0.05" "check_msglogs not built"
		skip msglogs-checklog-big "$t4" "<=0.05" "check_msglogs not built"
		return
	fi
	local small scan st one="-s imap"
	small=$(sample small)
	"$BT" log -o "$small/log/imap" -size "$BENCH_SMALL_LOG"
	# Idle: both already primed (compare's first run), so no new bytes.
	compare msglogs-idle "$t1" "~1" fast \
		"$BIN/check_msglogs -B $BIG $one $(state_args check_msglogs "$WORK/state/idle-big")" \
		"$BIN/check_msglogs -B $small $one $(state_args check_msglogs "$WORK/state/idle-small")" \
		"" "both runs find no new bytes: the offset was saved by a first run"
	# Scan: prime on a small log, keep that state, then append the new
	# lines; every run starts again from the kept state.
	scan=$(sample scan)
	st=$WORK/state/scan
	# --max-bytes: by default a run reads at most 256 MiB and leaves the
	# rest to the next run; here every new byte is read, as grep does.
	local scanargs="$one --max-bytes $BENCH_NEW_LOG $(state_args check_msglogs "$st")"
	run "$BIN/check_msglogs -B $scan $scanargs" >/dev/null 2>&1 || true
	cp -a "$st" "$st.kept"
	"$BT" log -o "$scan/log/imap" -size "$BENCH_NEW_LOG" -append
	compare msglogs-scan "$t2" "<=1.5" slow \
		"$BIN/check_msglogs -B $scan $scanargs" \
		"grep -c -E 'Critical|Error' $scan/log/imap" \
		"rm -rf $st && cp -a $st.kept $st" "every run of ours starts from the offset before the new lines"
	# check_log keeps a copy of the log (-O) and diffs against it: primed
	# by its first run like ours.
	local big
	big=$(sample checklog)
	"$BT" log -o "$big/log/imap" -size "$BENCH_CHECKLOG_LOG"
	compare msglogs-checklog "$t3" "<=0.05" fast \
		"$BIN/check_msglogs -B $small $one $(state_args check_msglogs "$WORK/state/cl-small")" \
		"$NAGIOS/check_log -F $small/log/imap -O $WORK/check_log.small.old -q 'Critical|Error'"
	compare msglogs-checklog-big "$t4" "<=0.05" slow \
		"$BIN/check_msglogs -B $big $one $(state_args check_msglogs "$WORK/state/cl-big")" \
		"$NAGIOS/check_log -F $big/log/imap -O $WORK/check_log.big.old -q 'Critical|Error'"
}

section_telemetry() {
	local t1="check_telemetry (default read limits) over $BENCH_TELEMETRY_FILES session files ($BENCH_TELEMETRY_BYTES) vs cat of them to /dev/null"
	local t2="check_telemetry reading every session file ($BENCH_TELEMETRY_BYTES) vs cat of them to /dev/null"
	if ! have check_telemetry; then
		skip telemetry "$t1" "<=2" "check_telemetry not built"
		skip telemetry-all "$t2" "<=2" "check_telemetry not built"
		return
	fi
	local cat="find $BIG/data/telemetry -type f -exec cat {} +"
	compare telemetry "$t1" "<=2" slow "$BIN/check_telemetry -B $BIG" "$cat" "" \
		"by default the plugin reads at most the 2000 newest sessions and 64 MiB (--max-sessions, --max-read)"
	compare telemetry-all "$t2" "<=2" slow \
		"$BIN/check_telemetry -B $BIG --max-sessions $BENCH_TELEMETRY_FILES --max-read $BENCH_TELEMETRY_BYTES --max-read-per-file $BENCH_TELEMETRY_BYTES" "$cat" "" \
		"read limits raised so that the plugin parses every byte cat reads"
}

section_folders() {
	local t="check_folders running reconstruct -r -n vs running it by hand"
	have check_folders || { skip folders "$t" "" "check_folders not built"; return; }
	local rec=$DEFAULT/sbin/reconstruct
	[ -x "$rec" ] || { skip folders "$t" "" "the sample has no sbin/reconstruct"; return; }
	compare folders "$t" "" fast \
		"$BIN/check_folders -B $DEFAULT --state-dir $WORK/state/folders" "$rec -r -n" "" \
		"the sample's reconstruct is a stand-in script: this is the plugin's overhead around it"
}

for s in floor disk stored dblogs cores msglogs telemetry folders; do
	want "$s" && "section_$s"
done

# --------------------------------------------------------------- report --

machine() {
	local cpu mem disk
	cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
	mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
	disk=$(df -hT "$OUT" | awk 'NR==2 {print $1" ("$2"), "$3" size, "$5" used"}')
	echo "# Benchmark results ($MODE)"
	echo
	echo "Taken $(date -u '+%Y-%m-%d %H:%M UTC') at $(git describe --always --dirty 2>/dev/null || echo '?')."
	echo
	echo "- machine: $(nproc) CPUs, $cpu; $mem memory; kernel $(uname -r); disk $disk"
	echo "- load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other work adds noise, the ±MAD columns show how much)"
	local timer="/usr/bin/time (10 ms resolution)"
	[ -z "$HYPERFINE" ] || timer=$("$HYPERFINE" --version)
	echo "- timing: $timer; $BENCH_ROUNDS rounds x $BENCH_RUNS runs per command ($BENCH_RUNS_FAST for the commands of milliseconds) (after a warm-up run), the two commands' order swapped every round; median and median absolute deviation of all runs; warm page cache"
	echo "- CPU: mean user + system time per run (from hyperfine), which other work on the machine disturbs less than wall time"
	echo "- peak RSS: /usr/bin/time -f %M, the largest of 3 runs (MB = 10^6 bytes)"
	echo "- sizes: $BENCH_MSG_FILES message files; mboxlist $BENCH_DB_OTHER_FILES other files + $BENCH_DB_LOGS logs; logs $BENCH_BIG_LOG / $BENCH_SMALL_LOG, $BENCH_NEW_LOG new lines, check_log also on $BENCH_CHECKLOG_LOG; telemetry $BENCH_TELEMETRY_FILES sessions, $BENCH_TELEMETRY_BYTES"
	echo "- ratio = ours / theirs (lower is better). Both commands are exec'd without a shell (hyperfine -N), their output read through a pipe (--output=pipe: GNU grep stops at the first match when writing to /dev/null); an administrator's command that needs a pipe or several programs runs under sh -c and so includes one shell start (about 1 ms)"
}
machine >"$OUT/machine.md"
"$BT" report -records "$RECORDS" -raw "$RAW" -machine "$OUT/machine.md" >"$OUT/results.md"

if want go && [ "${BENCH_GO}" = 1 ]; then
	say "go test -bench (benchtime $BENCH_GOTIME)"
	{
		echo
		echo "## Go benchmarks"
		echo
		echo '`go test -run=^$ -bench=. -benchmem -benchtime='"$BENCH_GOTIME"' ./...`'
		echo
		echo '```'
		"$GO" test -run='^$' -bench=. -benchmem -benchtime="$BENCH_GOTIME" ./... 2>&1 |
			grep -v -e '^ok ' -e 'no test files' -e '^PASS$' -e '^goos:' -e '^goarch:' -e '^cpu:' || true
		echo '```'
	} >>"$OUT/results.md"
fi

cat "$OUT/results.md"
say "written $OUT/results.md (raw timings in $RAW, hyperfine output in $LOG)"
