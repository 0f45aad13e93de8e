#!/bin/sh
# Smoothing time of one IQU channel (30 arcmin beam, lmax 2.5 nside) for
# lsq-maxiter 0 and 10, next to the libsharp transform floor, one line each.
# usage: bench/bench_smooth.sh [TEMPLATE_DIR] [NSIDES]
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-./build/skymodel}
T=${1:-out/bench-templates}
NSIDES=${2:-"512 1024 2048"}
[ -f "$T/pysm_2/dust_t_new.fits" ] || "$BIN" templates --nside 512 --seed 1 -q "$T"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores"
for n in $NSIDES; do
    ./build/bench/bench_sht "$n"
    "$BIN" sim --preset d1,s1,f1,a1 --nside "$n" --freq 100 --data-dir "$T" -o "$OUT/m.fits" \
        --dtype float64 -q --force
    for k in 0 10; do
        t0=$(date +%s.%N)
        "$BIN" smooth "$OUT/m.fits" -o "$OUT/s.fits" --fwhm 30 --lsq-maxiter "$k" --force -q
        t1=$(date +%s.%N)
        printf 'nside %5d lsq-maxiter %2d smooth %7.2f s (read, transforms, write)\n' "$n" "$k" \
            "$(awk "BEGIN{print $t1 - $t0}")"
    done
done
