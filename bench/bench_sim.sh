#!/bin/sh
# Times `skymodel sim` for d1,s1,f1,a1 over a 10-point top-hat band (single
# channel, no smoothing) at several nsides, one line per run:
#   nside, threads, wall seconds, peak RSS, and the stage times skymodel -v reports.
#
# usage: bench/bench_sim.sh [TEMPLATE_DIR] [NSIDES] [THREADS]
#   TEMPLATE_DIR  PySM-layout templates (default: out/bench-templates, made with
#                 `skymodel templates --nside 512 --seed 1` when missing)
#   NSIDES        default "512 1024 2048"
#   THREADS       default: the machine's cores
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-./build/skymodel}
T=${1:-out/bench-templates}
NSIDES=${2:-"512 1024 2048"}
THREADS=${3:-$(nproc)}
if [ ! -f "$T/pysm_2/dust_t_new.fits" ]; then
    "$BIN" templates --nside 512 --seed 1 -q "$T"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
FREQS=90,92.2222222222,94.4444444444,96.6666666667,98.8888888889,101.111111111,103.333333333,105.555555556,107.777777778,110
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores; templates $T"
for n in $NSIDES; do
    t0=$(date +%s.%N)
    log=$("$BIN" sim --preset d1,s1,f1,a1 --nside "$n" --freqs "$FREQS" --unit uK_CMB \
        --data-dir "$T" -o "$OUT/map.fits" --force --threads "$THREADS" -v 2>&1 >/dev/null)
    t1=$(date +%s.%N)
    rss=$(echo "$log" | sed -n 's/.*total .*peak memory \([0-9]*\) MB/\1/p')
    read_s=$(echo "$log" | sed -n 's/.*templates read in \([0-9.]*\) s.*/\1/p')
    emis_s=$(echo "$log" | sed -n 's/.*emission over .* in \([0-9.]*\) s.*/\1/p')
    printf 'nside %5d threads %d wall %7.2f s peak_rss %6s MB (read %s s, emission %s s)\n' \
        "$n" "$THREADS" "$(awk "BEGIN{print $t1 - $t0}")" "$rss" "$read_s" "$emis_s"
    rm -f "$OUT/map.fits"
done
