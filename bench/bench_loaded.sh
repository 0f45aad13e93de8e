#!/bin/sh
# Issue 17's shared-node benchmark: the 40-channel instrument with beams
# (bench/instrument_40.json: a1,d1,s1,f1, Gaussian beams, least-squares
# map2alm) at nside 64, run with the default threads, with --threads 1 and
# with OMP_WAIT_POLICY=passive, first on the machine as it is ("idle"), then
# with every core busy with other work: LOAD busy-loop processes (default
# cores + 1, a load of about 1.5 per core with the run itself), started
# here, bounded in time and killed at the end. Each case runs REPS times
# (default 3) and the median wall time is printed; with OLD_BUILD_DIR the
# two binaries run back to back, case by case. The target: loaded default
# <= 1.5 x loaded --threads 1, and idle default as fast as before.
#
# usage: sh bench/bench_loaded.sh BUILD_DIR [OLD_BUILD_DIR]
#   env: TEMPLATES (default out/bench-templates, made with BUILD_DIR's
#        skymodel templates --nside 512 --seed 1 when missing), NSIDE (64),
#        REPS (3), LOAD (cores + 1), INSTRUMENT (bench/instrument_40.json),
#        IDLE_PREFIX (a command the idle runs go through, e.g. "chrt -r 10" to
#        put them ahead of everything else when the machine is not idle: an
#        emulation, said in the output)
# Run it on a machine with nothing else running: the idle rows are only
# idle if the machine is; the script prints the load average it found.
set -eu
[ $# -ge 1 ] || { echo "usage: sh bench/bench_loaded.sh BUILD_DIR [OLD_BUILD_DIR]" >&2; exit 2; }
NEW=$(cd "$1" && pwd)/skymodel
OLD=${2:+$(cd "$2" && pwd)/skymodel}
cd "$(dirname "$0")/.."
T=${TEMPLATES:-out/bench-templates}
NSIDE=${NSIDE:-64}
REPS=${REPS:-3}
CORES=$(nproc)
LOAD=${LOAD:-$((CORES + 1))}
INSTRUMENT=${INSTRUMENT:-bench/instrument_40.json}
for b in "$NEW" ${OLD:+"$OLD"}; do
    [ -x "$b" ] || { echo "bench_loaded.sh: $b: no such program" >&2; exit 2; }
done
if [ ! -f "$T/pysm_2/dust_t_new.fits" ]; then
    "$NEW" templates --nside 512 --seed 1 -q "$T"
fi
WORK=$(mktemp -d)
HOGS=""
PREFIX=
stop_load() {
    for p in $HOGS; do kill "$p" 2>/dev/null || true; done
    for p in $HOGS; do wait "$p" 2>/dev/null || true; done
    HOGS=""
}
trap 'stop_load; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# one run: prints its wall time in seconds
run() { # binary mode
    rm -rf "$WORK/maps"
    t0=$(date +%s.%N)
    case $2 in
    default) $PREFIX "$1" sim --instrument "$INSTRUMENT" --nside "$NSIDE" --data-dir "$T" -o "$WORK/maps" -q ;;
    threads1) $PREFIX "$1" sim --instrument "$INSTRUMENT" --nside "$NSIDE" --data-dir "$T" -o "$WORK/maps" -q --threads 1 ;;
    passive) OMP_WAIT_POLICY=passive $PREFIX "$1" sim --instrument "$INSTRUMENT" --nside "$NSIDE" \
                 --data-dir "$T" -o "$WORK/maps" -q ;;
    esac
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# all cases on the machine as it is now: lines "label mode median runs"
measure() { # state
    for mode in default threads1 passive; do
        for b in ${OLD:+old} new; do
            : > "$WORK/t.$b.$mode"
        done
        r=0
        while [ "$r" -lt "$REPS" ]; do
            for b in ${OLD:+old} new; do
                bin=$NEW
                [ "$b" = old ] && bin=$OLD
                run "$bin" "$mode" >> "$WORK/t.$b.$mode"
            done
            r=$((r + 1))
        done
        for b in ${OLD:+old} new; do
            echo "$1 $b $mode $(median < "$WORK/t.$b.$mode") $(paste -sd' ' "$WORK/t.$b.$mode")"
        done
    done
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $CORES cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# $INSTRUMENT at nside $NSIDE, templates $T, $REPS runs per case (median)"
echo "# new: $NEW${OLD:+; old: $OLD}"
echo "# load average before the idle runs: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NEW" sim --instrument "$INSTRUMENT" --nside "$NSIDE" --data-dir "$T" -o "$WORK/warm" -q
rm -rf "$WORK/warm" # templates in the page cache for every run
[ -n "${IDLE_PREFIX:-}" ] && echo "# idle runs through: $IDLE_PREFIX"
PREFIX=${IDLE_PREFIX:-}
measure idle > "$WORK/idle"
PREFIX=

i=0
while [ "$i" -lt "$LOAD" ]; do
    timeout 3600 sh -c 'while :; do :; done' &
    HOGS="$HOGS $!"
    i=$((i + 1))
done
sleep 2
echo "# loaded: $LOAD busy loops on $CORES cores; load average after 2 s: $(cut -d' ' -f1-3 /proc/loadavg)"
measure loaded > "$WORK/loaded"
stop_load

echo
echo "| machine | binary | threads | median wall | runs |"
echo "|---|---|---|---|---|"
cat "$WORK/idle" "$WORK/loaded" | while read -r state b mode med runs; do
    case $mode in
    default) m="default" ;;
    threads1) m="--threads 1" ;;
    passive) m="OMP_WAIT_POLICY=passive" ;;
    esac
    echo "| $state | $b | $m | $med s | $runs |"
done
echo
for b in ${OLD:+old} new; do
    d=$(awk -v b="$b" '$2 == b && $3 == "default" { print $4 }' "$WORK/loaded")
    t=$(awk -v b="$b" '$2 == b && $3 == "threads1" { print $4 }' "$WORK/loaded")
    echo "$b: loaded default / loaded --threads 1 = $(echo "$d $t" | awk '{ printf "%.2f", $1 / $2 }') (target <= 1.5)"
done
if [ -n "$OLD" ]; then
    d0=$(awk '$2 == "old" && $3 == "default" { print $4 }' "$WORK/idle")
    d1=$(awk '$2 == "new" && $3 == "default" { print $4 }' "$WORK/idle")
    echo "idle default: new / old = $(echo "$d1 $d0" | awk '{ printf "%.2f", $1 / $2 }') (target about 1 or less)"
fi
