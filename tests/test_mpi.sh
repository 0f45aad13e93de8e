#!/bin/sh
# test_mpi.sh SKYMODEL MAP_COMPARE - the simulation cases (and skymodel smooth) under
# `mpirun --oversubscribe -np 2` and `-np 3`, compared with serial runs of
# the same binary: files identical byte for byte without smoothing, maps
# within 1e-10 of their RMS with it; and a template missing on one rank's
# data path ends every rank with one message, exit status 2 and no output.
# Run from tests/ (data/templates, data/reference_cases.txt).
set -u
SKY=$1
CMP=$2
T=data/templates
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# mpirun refuses root unless told (CI runs as root)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMP_NUM_THREADS=1
# containers often forbid the cross-process copies (CMA) Open MPI's shared
# memory uses for large messages: plain copies work everywhere
export OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN="mpirun --oversubscribe"
fail=0
n=0

# run NAME TOL ARGS...: serial, then 2 and 3 processes; TOL 0 means cmp
run() {
    name=$1 tol=$2
    shift 2
    n=$((n + 1))
    if ! "$SKY" sim "$@" -d $T --offline -q --dtype float64 -o "$W/$name.s.fits"; then
        echo "FAIL $name: serial run failed"; fail=1; return
    fi
    for np in ${TEST_MPI_NP:-2 3}; do
        out="$W/$name.$np.fits"
        if ! $MPIRUN -np $np "$SKY" sim "$@" -d $T --offline -q --dtype float64 -o "$out" </dev/null \
            >"$W/log" 2>&1; then
            echo "FAIL $name: $np processes failed:"; cat "$W/log"; fail=1; continue
        fi
        if [ "$tol" = 0 ]; then
            cmp -s "$W/$name.s.fits" "$out" || { echo "FAIL $name: $np processes: not the serial file"; fail=1; }
        else
            "$CMP" "$W/$name.s.fits" "$out" "$tol" || { echo "FAIL $name: $np processes"; fail=1; }
        fi
        rm -f "$out"
    done
    rm -f "$W/$name.s.fits"
}

# the reference cases (PySM's simulation suite), unsmoothed: bit for bit
# (every TEST_MPI_STRIDE-th case from case TEST_MPI_OFFSET + 1: the code
# paths are the same for all and each run costs two launches; the release
# build takes one case in 3, the sanitizer build one in 8 of the others, and
# only 2 processes (TEST_MPI_NP, default "2 3", for every case): the suite
# must stay under 10 minutes on 2 cores)
k=0
grep -v '^#' data/reference_cases.txt | while IFS='|' read -r name presets nside freqs weights unit ref; do
    k=$((k + 1))
    [ $(( (k - 1) % ${TEST_MPI_STRIDE:-1} )) = ${TEST_MPI_OFFSET:-0} ] || continue
    unit=$(echo $unit) # trimmed; may hold spaces ("Jy / sr")
    set -- -p $presets -n $nside --freqs $freqs -u "$unit"
    [ "$(echo $weights)" != - ] && set -- "$@" --weights $weights
    run $(echo $name) 0 "$@" || true
    echo "$fail" > "$W/status"
done
[ -f "$W/status" ] && [ "$(cat "$W/status")" != 0 ] && fail=1

# stochastic and whole-sky models, coarse evaluation, degrading templates
run c1_d5_d6_d7 0 -p c1,d5,d6,d7 -n 32 -f 143 -u uK_CMB --seed 7
run d1s1_n128 0 -p d1,s1,f1,a1,c2 -n 128 --freqs 90,100,110 -u MJy/sr
run d8_n16 0 -p d8,s3 -n 16 -f 220
# realisations made whole-sky at load (d11, s6), and d12's layers
run d11_s6 0 -c data/realization/d11.toml -c data/realization/s6.toml -n 32 -f 100
run d11_random 0 -c data/realization/d11.toml -n 16 -f 100 --seed 99
run d12 0 -c data/hires/d12.toml -n 32 -f 100
# the dipole (pixel vectors per process), WebSky CMB, SZ (a template finer
# than the sky), CO on a line: issue 18's presets
run extragalactic 0 -p dip2,c4,tsz1,ksz1,co3,d1 -n 32 --freqs 220,230,240 -u uK_CMB

# transforms distributed over the processes
run lsq10 1e-10 -p d1,s1 -n 64 -f 100 -u uK_CMB --fwhm 60
run lsq0_rotate 1e-10 -p d1,s1,c1 -n 32 -f 150 --fwhm 90 --lsq-maxiter 0 --rotate G:C
run iter3_outnside 1e-10 -p d1,f1 -n 64 -f 30 --fwhm 120 --out-nside 32
awk 'BEGIN { for (l = 0; l <= 100; l++) printf "%.17g\n", exp(-l * (l + 1) * 1e-4) }' >"$W/bl.txt"
run beamwindow 1e-10 -p s1 -n 32 -f 40 --beam-window "$W/bl.txt"

# skymodel smooth: each process reads its rows of the input map
"$SKY" sim -p d1,s1 -n 32 -f 90 -d $T --offline -q -o "$W/in.fits" || fail=1
"$SKY" smooth "$W/in.fits" --fwhm 100 --rotate G:E -q --dtype float64 -o "$W/sm.s.fits" || fail=1
for np in ${TEST_MPI_NP:-2 3}; do
    $MPIRUN -np $np "$SKY" smooth "$W/in.fits" --fwhm 100 --rotate G:E -q --dtype float64 \
        -o "$W/sm.$np.fits" </dev/null && "$CMP" "$W/sm.s.fits" "$W/sm.$np.fits" 1e-10 ||
        { echo "FAIL smooth: $np processes"; fail=1; }
done

# more processes than ring pairs and than m: some hold nothing
"$SKY" sim -p d1,s1 -n 1 -f 100 --fwhm 600 --rotate G:C -d $T --offline -q --dtype float64 -o "$W/tiny.s.fits" || fail=1
$MPIRUN -np 5 "$SKY" sim -p d1,s1 -n 1 -f 100 --fwhm 600 --rotate G:C -d $T --offline -q --dtype float64 \
    -o "$W/tiny.5.fits" </dev/null && "$CMP" "$W/tiny.s.fits" "$W/tiny.5.fits" 1e-10 ||
    { echo "FAIL nside 1 on 5 processes"; fail=1; }

# an instrument: one smoothed and one unsmoothed channel
cat > "$W/ins.json" <<'JSON'
{"sky": ["d1", "s1", "a1"], "output_unit": "uK_CMB",
 "channels": [{"name": "A", "band_low_GHz": 20, "band_high_GHz": 30, "npoints": 4, "fwhm_arcmin": 90},
              {"name": "B", "freqs_ghz": [140, 150], "weights": [1, 3]}]}
JSON
"$SKY" sim --instrument "$W/ins.json" -n 32 -d $T --offline -q --dtype float64 -o "$W/ins.s" || fail=1
for np in ${TEST_MPI_NP:-2 3}; do
    $MPIRUN -np $np "$SKY" sim --instrument "$W/ins.json" -n 32 -d $T --offline -q \
        --dtype float64 -o "$W/ins.$np" || { echo "FAIL instrument: $np processes"; fail=1; continue; }
    cmp -s "$W/ins.s/B.fits" "$W/ins.$np/B.fits" || { echo "FAIL instrument B: $np processes"; fail=1; }
    "$CMP" "$W/ins.s/A.fits" "$W/ins.$np/A.fits" 1e-10 || { echo "FAIL instrument A: $np"; fail=1; }
done

# a template missing on one rank's data path: one message, all ranks exit 2
mkdir -p "$W/partial" && cp -r $T/. "$W/partial/" && rm "$W/partial/pysm_2/synch_t_new.fits"
A="sim -p d1,s1 -n 32 -f 100 --offline --fwhm 60 -o $W/missing.fits"
start=$(date +%s)
$MPIRUN -np 1 "$SKY" $A -d $T : -np 1 "$SKY" $A -d "$W/partial" : -np 1 "$SKY" $A -d $T \
    >"$W/out" 2>"$W/err"
rc=$?
took=$(( $(date +%s) - start ))
msgs=$(grep -c '^skymodel: ' "$W/err")
if [ $rc = 0 ] || [ "$msgs" != 1 ] || ! grep -q '^skymodel: rank 1: .*synch_t_new.fits' "$W/err" \
    || [ -e "$W/missing.fits" ] || [ $took -gt 30 ]; then
    echo "FAIL missing template: exit $rc, $msgs messages, ${took} s:"; cat "$W/err"; fail=1
fi

[ $fail = 0 ] && echo "test_mpi: all cases agree with the serial runs"
exit $fail
