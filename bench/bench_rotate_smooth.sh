#!/bin/sh
# The rotation inside `skymodel smooth`: an IQU map at NSIDE (healpy synfast,
# Galactic) smoothed with --fwhm 10 --lsq-maxiter 0 (lmax 2.5 NSIDE), with
# and without --rotate G:C, for each CONFIG (PxT: P processes under mpirun,
# T threads each; P = 1 runs without mpirun), interleaved, best of REPS; the
# difference is the rotation (with, under MPI, the sharing and summing of
# the whole-sky alm around it).
# usage: bench/bench_rotate_smooth.sh [NSIDE] [CONFIGS] [REPS]
#   e.g. sh bench/bench_rotate_smooth.sh 512 "1x2 1x1 2x1" 3
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-$PWD/build/skymodel}
N=${1:-512}
CONFIGS=${2:-"1x2 1x1 2x1"}
REPS=${3:-3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
/usr/bin/python3 -c "
import healpy as hp, numpy as np
n = $N; ell = np.arange(3 * n); cl = 1 / (1 + ell) ** 2
m = hp.synfast([cl, cl / 10, cl / 20, cl / 100], n, new=True)
hp.write_map('$W/in.fits', m, coord='G', dtype=np.float64)" 2>/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ), nside $N, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| processes x threads | without | with --rotate G:C | rotation |"
echo "|---|---|---|---|"
for c in $CONFIGS; do
    p=${c%x*} t=${c#*x}
    run=""
    [ "$p" -gt 1 ] && run="mpirun --oversubscribe -np $p -x OMP_NUM_THREADS=$t"
    best0=1e9 best1=1e9
    for r in $(seq "$REPS"); do
        for rot in 0 1; do
            set -- smooth "$W/in.fits" -o "$W/out.fits" --fwhm 10 --lsq-maxiter 0 --force -q
            [ $rot = 1 ] && set -- "$@" --rotate G:C
            t0=$(date +%s.%N)
            OMP_NUM_THREADS=$t $run "$BIN" "$@" </dev/null
            t1=$(date +%s.%N)
            d=$(awk "BEGIN{print $t1 - $t0}")
            if [ $rot = 1 ]; then
                best1=$(awk "BEGIN{print ($d < $best1) ? $d : $best1}")
            else
                best0=$(awk "BEGIN{print ($d < $best0) ? $d : $best0}")
            fi
        done
    done
    awk "BEGIN{printf \"| %s x %s | %.2f s | %.2f s | %.2f s |\n\", $p, $t, $best0, $best1, $best1 - $best0}"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
