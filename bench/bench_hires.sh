#!/bin/sh
# Times the high-resolution presets in skymodel and, when PYSM_SRC is set, in
# PySM 3.4.5 on the same synthetic templates: wall time, peak RSS and the
# largest difference of the maps relative to their RMS. One line per run.
#
# usage: bench/bench_hires.sh TEMPLATE_DIR NSIDE "PRESETS ..." [GHZ] [EXTRA]
#   TEMPLATE_DIR  from `skymodel templates --set hires --nside NSIDE DIR`
#   PRESETS       runs, each a comma-separated preset list, e.g. "d9 s4 s7 d10,s5"
#   GHZ           default 100; the unit is uK_CMB, the output float32
#   EXTRA         more skymodel options, e.g. "--parts 4" or "--seed 100"
#                 (a --seed N is given to PySM's d11/s6 as seeds [N, N+1, ...])
#   PYSM_SRC      PySM 3.4.5's src folder (see the developers' brief); unset: skymodel only
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-./build/skymodel}
T=$1 NSIDE=$2 RUNS=$3 GHZ=${4:-100} EXTRA=${5:-}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
SEED=$(echo "$EXTRA" | sed -n 's/.*--seed \([0-9]*\).*/\1/p')
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; templates $T"
for presets in $RUNS; do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" sim -p "$presets" -n "$NSIDE" -f "$GHZ" \
        -u uK_CMB -d "$T" --offline -o "$OUT/sky.fits" --force -v $EXTRA >"$OUT/log" 2>&1
    read -r wall rss <"$OUT/time"
    echo "skymodel $presets nside $NSIDE $EXTRA: wall $wall s, peak RSS $((rss / 1024)) MB"
    grep -h "total\|part 1 of" "$OUT/log" | sed 's/^/    /'
    [ -n "${PYSM_SRC:-}" ] || continue
    PYTHONPATH=$PYSM_SRC PYSM_LOCAL_DATA=$T /usr/bin/time -f "%e %M" -o "$OUT/time" \
        /usr/bin/python3 bench/pysm_sky.py "$NSIDE" "$presets" "$GHZ" uK_CMB "$OUT/pysm.fits" \
        $SEED >"$OUT/log" 2>&1 || { echo "PySM failed:"; tail -3 "$OUT/log"; continue; }
    read -r wall rss <"$OUT/time"
    echo "PySM     $presets nside $NSIDE: wall $wall s, peak RSS $((rss / 1024)) MB"
    grep -h "^pysm" "$OUT/log" | sed 's/^/    /'
    ./build/tests/map_compare "$OUT/pysm.fits" "$OUT/sky.fits" 1e-5 &&
        echo "    maps agree within 1e-5 of the RMS" || true
done
