#!/bin/sh
# Compressed channel groups (issue 22): NDET detectors of one 90 GHz band, each its own
# bandpass (10 samples, centre and width shifted by up to 1 GHz, a random ripple:
# tests/make_detectors.sh), sharing a 30' beam, sky a1,d1,s1,f1, default smoothing (lmax
# 2.5 nside, PySM's least-squares map2alm), run as a user would:
#   skymodel sim --instrument detectors.json --nside N --data-dir T -o OUT -v
# and, for the reference detector count, the same with --no-compress right after it (back to
# back, the same machine state). One line per run: wall time, peak RSS, K_I / K_P, the worst
# reconstruction error, the basis smoothing time and libsharp's time; then the speed-up.
#
# usage: bench/bench_compress.sh [TEMPLATE_DIR] [CASES] [THREADS]
#   TEMPLATE_DIR  default out/bench-templates (made by skymodel templates --nside 512 --seed 1
#                 --set pysm2 when missing)
#   CASES         NDET:NSIDE pairs, default "100:512 400:512 100:1024 400:1024"
#   THREADS       default: the machine's cores
# Environment: SKYMODEL (the program, default ./build/skymodel); REFERENCE_NDET (the detector
# count also run with --no-compress, default 100; "none" for no reference run); NSAMP
# (samples per bandpass, default 10); FWHM (arcmin, default 30); EXTRA (more sim options).
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-./build/skymodel}
T=${1:-out/bench-templates}
CASES=${2:-"100:512 400:512 100:1024 400:1024"}
THREADS=${3:-$(nproc)}
REF=${REFERENCE_NDET:-100}
NSAMP=${NSAMP:-10}
FWHM=${FWHM:-30}
EXTRA=${EXTRA:-}
if [ ! -f "$T/pysm_2/dust_t_new.fits" ]; then
    "$BIN" templates --nside 512 --seed 1 --set pysm2 -q "$T"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores, $THREADS threads; templates $T;" \
    "a1,d1,s1,f1, $NSAMP-sample bandpasses, ${FWHM}' beam; $EXTRA"

# run LABEL NDET NSIDE [OPTIONS...]: prints one line, sets $wall
run() {
    label=$1 ndet=$2 n=$3
    shift 3
    rm -rf "$OUT/maps"
    log=$(OMP_NUM_THREADS=$THREADS /usr/bin/time -f "wall %e s, peak RSS %M kB" \
        "$BIN" sim --instrument "$OUT/det$ndet.json" --nside "$n" --data-dir "$T" \
        -o "$OUT/maps" -v $EXTRA "$@" 2>&1 >/dev/null) || { echo "$log" | tail -3; exit 1; }
    wall=$(echo "$log" | sed -n 's/^wall \([0-9.]*\) s.*/\1/p')
    rss=$(echo "$log" | sed -n 's/.*peak RSS \([0-9]*\) kB/\1/p')
    sht=$(echo "$log" | sed -n 's/.*channels* in [0-9.]* s (transforms \([0-9.]*\) s).*/\1/p')
    group=$(echo "$log" | sed -n 's/.*group 1 ([0-9]* channels from [a-z0-9]*): \(K_I [0-9]*, K_P [0-9]*\), worst reconstruction error \([0-9.e+-]*\) of the RMS (tolerance [0-9.e+-]*, \([0-9]*\) check pass.*(passes \([0-9.]*\) s.*basis smoothing \([0-9.]*\) s; channels combined and written \([0-9.]*\) s.*/\1, worst \2, \3 check passes \4 s, basis smoothing \5 s, channels written \6 s/p')
    fallback=$(echo "$log" | sed -n 's/.*not compressed, each channel smoothed on its own: \(.*\)/not compressed: \1/p')
    echo "$label: $ndet detectors, nside $n: wall $wall s, peak RSS $((rss / 1024)) MB, libsharp ${sht:-0} s${group:+; $group}${fallback:+; $fallback}"
}

for case in $CASES; do
    ndet=${case%%:*} n=${case##*:}
    [ -f "$OUT/det$ndet.json" ] ||
        sh tests/make_detectors.sh "$ndet" 1 "$FWHM" "$OUT/det$ndet.json" "" a1,d1,s1,f1 "$NSAMP"
    run compressed "$ndet" "$n"
    wc=$wall
    if [ "$ndet" = "$REF" ]; then
        run "--no-compress" "$ndet" "$n" --no-compress
        echo "  speed-up: $(echo "$wall $wc" | awk '{ printf "%.2f", $1 / $2 }')x"
    fi
done
