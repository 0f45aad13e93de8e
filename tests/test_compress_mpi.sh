#!/bin/sh
# test_compress_mpi.sh SKYMODEL TEMPLATE_DIR MAPS_COMPARE - compressed channel groups (issue 22)
# under `mpirun -np 2`: the pixels are shared out, only n x n matrices and the basis
# smoothing's transforms cross processes; every channel within 1e-6 of its RMS of the serial
# compressed map, and within 1e-5 of the serial --no-compress map (HEALPix, and with a
# rotation, a lower output nside and a CAR map); --basis-out writes the same files.
set -u
SKY=$1
TMPL=$2
CMP=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMP_NUM_THREADS=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none

sh "$HERE/make_detectors.sh" 24 11 120 det.json
RUN="sim -i det.json -n 16 -d $TMPL --offline -q --dtype float64"

# compare A B TOL WHAT: every HEALPix map of folder A within TOL of B's
compare() {
    a=$1 b=$2 tol=$3 what=$4
    set --
    for f in "$a"/det*.fits; do
        case $f in *_car.fits) continue ;; esac
        set -- "$@" "$f" "$b/$(basename "$f")"
    done
    "$CMP" "$tol" "$@" >cmp.log 2>&1 || fail "$what: $(head -3 cmp.log)"
}

for case in plain rotated; do
    extra=""
    [ $case = rotated ] && extra="--rotate G:C --out-nside 8 --car-resol 300"
    "$SKY" $RUN $extra -o s_$case || fail "$case: serial"
    "$SKY" $RUN $extra -o n_$case --no-compress || fail "$case: serial --no-compress"
    mpirun --oversubscribe -np 2 "$SKY" $RUN $extra -o m_$case --basis-out b_$case </dev/null \
        >log 2>&1 || fail "$case: 2 processes: $(cat log)"
    compare s_$case m_$case 1e-6 "$case: 2 processes against serial"
    compare n_$case m_$case 1e-5 "$case: 2 processes against serial --no-compress"
    [ -s b_$case/group1.json ] && [ -s b_$case/group1_basis0.fits ] ||
        fail "$case: 2 processes: no basis written"
    if [ $case = rotated ]; then
        [ "$(ls m_$case/*_car.fits | wc -l)" = 24 ] || fail "rotated: CAR maps missing"
        [ -s b_$case/group1_basis0_car.fits ] || fail "rotated: no CAR basis map"
    fi
done

[ $fails = 0 ] && echo "test_compress_mpi.sh: all checks passed"
exit $fails
