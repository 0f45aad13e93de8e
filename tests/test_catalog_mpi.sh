#!/bin/sh
# test_catalog_mpi.sh SKYMODEL MAP_COMPARE - rg2's painted beams under
# `mpirun -np 2` and `-np 3` (issue 20): each process paints every source
# that touches its rings, so the HEALPix and CAR maps are the serial run's
# bit for bit (rg2 alone: the transforms of the rest of the sky are of
# zeros); with d1 beside it, within 1e-10 of the RMS (the distributed
# transforms sum the alm in another order). Run from tests/.
set -u
SKY=$1
CMP=$2
T=data/templates
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMP_NUM_THREADS=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
fail=0

# the last N bytes of a FITS file (its data, the headers differing in NPROCS)
tail_bytes() {
    tail -c "$1" "$2" >"$3"
}

# run NAME TOL CARBYTES ARGS...
run() {
    name=$1 tol=$2 carbytes=$3
    shift 3
    if ! "$SKY" sim "$@" -d $T --offline -q --dtype float64 -o "$W/$name.s.fits"; then
        echo "FAIL $name: serial run failed"; fail=1; return
    fi
    for np in 2 3; do
        out="$W/$name.$np.fits"
        if ! mpirun --oversubscribe -np $np "$SKY" sim "$@" -d $T --offline -q --dtype float64 \
            -o "$out" </dev/null >"$W/log" 2>&1; then
            echo "FAIL $name: $np processes failed:"; cat "$W/log"; fail=1; continue
        fi
        "$CMP" "$W/$name.s.fits" "$out" "$tol" || { echo "FAIL $name: $np processes"; fail=1; }
        if [ "$carbytes" != 0 ]; then
            tail_bytes "$carbytes" "$W/$name.s_car.fits" "$W/a"
            tail_bytes "$carbytes" "$W/$name.${np}_car.fits" "$W/b"
            cmp -s "$W/a" "$W/b" || { echo "FAIL $name: $np processes: CAR map differs"; fail=1; }
        fi
    done
}

# CAR 180 x 360, float64: 3 * 180 * 360 * 8 bytes, a whole number of 2880-byte blocks
run rg2_fwhm 0 1555200 -p rg2 -n 64 -f 100 --fwhm 90 --car-resol 60
run rg2_rotate 0 0 -p rg2 -n 32 --freqs 90,100,110 --fwhm 150 --rotate G:C --out-nside 16
run rg2_d1 1e-10 0 -p rg2,d1 -n 32 -f 100 --fwhm 120

[ $fail = 0 ] && echo "test_catalog_mpi.sh: all checks passed"
exit $fail
