#!/bin/sh
# MPI scaling of the PySM 3 paper's benchmark (../shared/bench/instrument.json)
# run as a user would, under mpirun:
#   mpirun -np R skymodel sim --instrument INSTRUMENT --nside N -d T -o OUT
# One line per configuration: ranks x threads, wall time, and each rank's
# peak RSS (GNU time around every rank).
#
# usage: bench/bench_mpi.sh NSIDE "R1xT1 R2xT2 ..." [TEMPLATE_DIR] [EXTRA OPTIONS...]
#   e.g. bench/bench_mpi.sh 1024 "1x1 2x1 1x2"
#        bench/bench_mpi.sh 2048 "1x1 2x1 4x1" out/bench-templates --lsq-maxiter 0
set -eu
cd "$(dirname "$0")/.."
BIN=${SKYMODEL:-$(pwd)/build/skymodel}
INSTRUMENT=${INSTRUMENT:-../shared/bench/instrument.json}
N=$1
CONFIGS=$2
T=${3:-out/bench-templates}
shift $(($# < 3 ? $# : 3))
if [ ! -f "$T/pysm_2/dust_t_new.fits" ]; then
    "$BIN" templates --nside 512 --seed 1 -q "$T"
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores; nside $N; $INSTRUMENT; templates $T; $*"
for c in $CONFIGS; do
    r=${c%x*} t=${c#*x}
    rm -rf "$OUT/maps" "$OUT"/rss.*
    start=$(date +%s.%N)
    mpirun --oversubscribe --bind-to none -np "$r" -x OMP_NUM_THREADS="$t" \
        sh -c 'o=$1; shift; exec /usr/bin/time -f %M -o "$o/rss.$OMPI_COMM_WORLD_RANK" "$@"' sh "$OUT" \
        "$BIN" sim --instrument "$INSTRUMENT" --nside "$N" -d "$T" -o "$OUT/maps" -q "$@"
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    rss=$(for k in $(seq 0 $((r - 1))); do awk '{ printf "%.0f", $1 / 1024 }' "$OUT/rss.$k"; echo; done | paste -sd/)
    printf "%s ranks x %s threads: wall %.1f s, peak RSS per rank %s MB\n" "$r" "$t" "$wall" "$rss"
done
