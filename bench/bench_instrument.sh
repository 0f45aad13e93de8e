#!/bin/sh
# The PySM 3 paper's benchmark (../shared/bench/instrument.json: a1,d1,s1,f1;
# 3 channels, 10-point top-hat bands, Gaussian beams, lmax 2.5 nside,
# least-squares map2alm) run exactly as a user would:
#   skymodel sim --instrument ../shared/bench/instrument.json --nside N --data-dir T -o OUT
# one line per run with the wall time, peak RSS and the stage times -v reports,
# and the time spent in libsharp during the run: the transform floor of the
# run itself, so wall / transforms is free of the machine's speed drifts.
#
# usage: bench/bench_instrument.sh [TEMPLATE_DIR] [NSIDES] [THREADS] [EXTRA OPTIONS...]
#   TEMPLATE_DIR  default out/bench-templates (skymodel templates --nside 512 --seed 1)
#   NSIDES        default "512 1024 2048"
#   THREADS       default: the machine's cores
#   EXTRA         e.g. --lsq-maxiter 0
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-./build/skymodel}
INSTRUMENT=${INSTRUMENT:-../shared/bench/instrument.json}
T=${1:-out/bench-templates}
NSIDES=${2:-"512 1024 2048"}
THREADS=${3:-$(nproc)}
shift $(($# < 3 ? $# : 3))
if [ ! -f "$T/pysm_2/dust_t_new.fits" ]; then
    "$BIN" templates --nside 512 --seed 1 -q "$T"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores; $INSTRUMENT; templates $T; $*"
for n in $NSIDES; do
    rm -rf "$OUT/maps"
    log=$(OMP_NUM_THREADS=$THREADS /usr/bin/time -f "wall %e s, peak RSS %M kB" \
        "$BIN" sim --instrument "$INSTRUMENT" --nside "$n" --data-dir "$T" -o "$OUT/maps" -v "$@" \
        2>&1 >/dev/null)
    wall=$(echo "$log" | sed -n 's/^wall \([0-9.]*\) s.*/\1/p')
    rss=$(echo "$log" | sed -n 's/.*peak RSS \([0-9]*\) kB/\1/p')
    read_s=$(echo "$log" | sed -n 's/.*templates read in \([0-9.]*\) s.*/\1/p')
    emis=$(echo "$log" | sed -n 's/.*emission [a-z0-9 ]*in \([0-9.]*\) s.*/\1/p; s/.*emission \([0-9.]*\) s, writing.*/\1/p' | paste -sd+ | bc)
    smooth=$(echo "$log" | sed -n 's/.*smoothed and written in \([0-9.]*\) s.*/\1/p' | paste -sd+ | bc)
    sht=$(echo "$log" | sed -n 's/.*channels* in [0-9.]* s (transforms \([0-9.]*\) s).*/\1/p')
    ratio=$(echo "$sht" | awk -v w="$wall" '$1 > 0 { printf "; wall / transforms %.3f", w / $1 }')
    echo "nside $n threads $THREADS: wall $wall s, peak RSS $((rss / 1024)) MB; templates $read_s s, emission $emis s, smoothing+writing ${smooth:-0} s; libsharp ${sht:-0} s$ratio"
done
