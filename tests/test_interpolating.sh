#!/bin/sh
# test_interpolating.sh SKYMODEL TEMPLATE_DIR MAP_COMPARE [MPIRUN] - the frequency-grid
# presets cib1, rg1, rg3 and InterpolatingComponent (issue 20) from the command
# line, beyond the PySM maps of test_interpolating:
# - bad input: one line on stderr, word for word, exit 2, nothing written (a
#   grid with a missing frequency, maps of unequal nside, bad parameters, rg3
#   without the beam its maps need divided out);
# - the files each preset reads (fetch --list) at two nsides;
# - --parts: the same map part after part;
# - rg3 smoothed by `sim --fwhm --lmax`, alone or in an --instrument channel
#   with d1 and s1, gives PySM's map (the references of test_interpolating,
#   made by the library's sky_channels_maps);
# - with MPIRUN (a build with MPI): 2 processes, each reading its rows of
#   the bracketing maps, make the serial file byte for byte.
set -u
SKY=$1
TMPL=$2
CMP=$3
MPIRUN=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

RG3=$TMPL/websky/0.4/radio_catalog/background/2048
mkdir -p g g4 cache
cp "$RG3/010.0.fits" "$RG3/044.0.fits" g/
mv g/044.0.fits g/030.0.fits
grid() { # the table of a grid in g (10, 20, 30 GHz) with extra lines: c.toml
    printf '[g]\nclass = "InterpolatingComponent"\npath = "g"\ninput_units = "uK_RJ"\n' >c.toml
    printf '%s\n' "$@" >>c.toml
}
SIM="sim --nside 8 --freq 15 -d . --offline --cache-dir $D/cache -o out.fits"

# a grid folder with a missing frequency (offline: named before anything is read)
grid 'freqs = [10.0, 20.0, 30.0]'
expect "skymodel: offline and 1 template is missing (not in the data folders or the cache $D/cache): g/020.0.fits" \
    $SIM --config c.toml
# maps of unequal nside: the 20 GHz map at nside 4 next to nside-8 ones
"$SKY" sim -p cib1 -n 4 -f 143 -d "$TMPL" --offline -q -o g4.fits ||
    fail "an nside-4 map for the unequal-nside case"
cp g4.fits g/020.0.fits
expect "skymodel: component g: template g/020.0.fits has nside 4, the grid's g/010.0.fits nside 8: expected one nside for every map of the grid" \
    $SIM --config c.toml
grid 'freqs = [10.0, 30.0, 20.0]'
expect "skymodel: c.toml:5: [g] freqs: 20 after 30: expected strictly increasing frequencies in GHz" \
    $SIM --config c.toml
grid 'freqs = "ten"'
expect "skymodel: c.toml:5: [g] freqs = ten: expected a list of frequencies in GHz, e.g. [18.7, 24.5, 44.0]" \
    $SIM --config c.toml
grid
expect "skymodel: c.toml:1: [g] freqs: missing parameter of InterpolatingComponent: expected the grid's frequencies in GHz, e.g. [18.7, 24.5, 44.0] (skymodel does not list the folder)" \
    $SIM --config c.toml
grid 'freqs = [10.0, 20.0, 30.0]' 'interpolation_kind = "cubic"'
expect "skymodel: c.toml:6: [g] interpolation_kind = \"cubic\": expected \"linear\" (the one kind PySM implements)" \
    $SIM --config c.toml
grid 'freqs = [10.0, 20.0, 30.0]' 'pre_applied_beam = 5.1'
expect "skymodel: c.toml:6: [g] pre_applied_beam: expected an inline table of beam FWHM per nside, e.g. {2048=5.1, 4096=2.6}" \
    $SIM --config c.toml
grid 'freqs = [10.0, 20.0, 30.0]' 'pre_applied_beam = {8=5.1}'
expect "skymodel: c.toml:6: [g] pre_applied_beam needs pre_applied_beam_units (e.g. \"arcmin\")" \
    $SIM --config c.toml
grid 'freqs = [10.0, 20.0, 30.0]' 'pre_applied_beam = {8=5.1}' 'pre_applied_beam_units = "parsec"'
expect "skymodel: c.toml:7: [g] pre_applied_beam_units = \"parsec\": expected an angle unit (arcmin, arcsec, deg or rad)" \
    $SIM --config c.toml
grid 'freqs = [10.0, 20.0, 30.0]' 'pre_applied_beam = {8=5.1}' 'pre_applied_beam_units = "arcmin"' \
    'available_nside = [16]'
expect "skymodel: c.toml:1: component g: pre_applied_beam = {8=5.1} has no entry for 16, the templates nside (of available_nside)" \
    $SIM --config c.toml
# rg3 keeps the beam of its maps: evaluated smoothed only (PySM needs fwhm and lmax)
why="its maps carry a 5.1 arcmin beam (pre_applied_beam at nside 2048), which PySM divides out: give the beam to smooth to (--fwhm ARCMIN, and --lmax L)"
expect "skymodel: component rg3: $why" sim -p rg3 -n 8 -f 100 -d "$TMPL" --offline -o out.fits
expect "skymodel: component rg3: $why" sim -p d1,rg3 -n 8 -f 100 -d "$TMPL" --offline --parts 2 \
    -o out.fits
expect "skymodel: component rg3: $why" sim -p rg3 -n 8 -f 100 -d "$TMPL" --offline --lmax 16 \
    -o out.fits

# the files read: every grid map, rg3's in the folder of the templates nside
for pair in "16 2048" "4096 4096"; do
    set -- $pair
    "$SKY" fetch --preset cib1,rg1,rg3 --nside $1 --list --offline >list 2>&1
    for f in websky/0.4/cib/cib_0017.0.fits websky/0.4/cib/cib_1080.0.fits \
        websky/0.4/radio/radio_0090.2.fits "websky/0.4/radio_catalog/background/$2/001.0.fits" \
        "websky/0.4/radio_catalog/background/$2/1000.0.fits"; do
        grep -q "^$f " list || { fail "nside $1: $f not listed"; cat list; }
    done
    [ "$(grep -c '^[a-z]' list)" = 108 ] || { fail "nside $1: expected 108 files"; cat list; }
done

# --parts: each part reads its rows of the maps bracketing the band
ALL="-p cib1,rg1,d1 -n 16 --freqs 140,145,150 -d $TMPL --offline -q"
"$SKY" sim $ALL -o whole.fits && "$SKY" sim $ALL --parts 3 -o parts.fits &&
    "$CMP" whole.fits parts.fits 0 || fail "--parts 3 differs from the whole sky"
cp "$HERE/data/rg3_nobeam.toml" .
ALL="--config rg3_nobeam.toml -n 16 -f 120 -d $TMPL --offline -q"
"$SKY" sim $ALL -o whole3.fits && "$SKY" sim $ALL --parts 4 -o parts3.fits &&
    "$CMP" whole3.fits parts3.fits 0 || fail "rg3 without its beam: --parts 4 differs"

# rg3 smoothed from the command line: PySM's component smoothing
"$SKY" sim -p rg3 -n 16 -f 100 --fwhm 60 --lmax 40 -d "$TMPL" --offline -q --dtype float64 \
    -o rg3s.fits && "$CMP" "$HERE/data/outputs/rg3_n16_100GHz_fwhm60_lmax40_uKRJ.fits" rg3s.fits 1e-5 ||
    fail "sim -p rg3 --fwhm 60 --lmax 40 differs from PySM's"

# rg3 in an instrument's smoothed channel: the same mechanism (PySM's sum)
printf '{"channels": [{"name": "b", "freqs_ghz": [70], "fwhm_arcmin": 60}]}' >ins.json
"$SKY" sim --instrument ins.json -p rg3,d1,s1 -n 16 --lmax 40 -d "$TMPL" --offline -q \
    --dtype float64 -o ins && "$CMP" "$HERE/data/outputs/sum_rg3d1s1_n16_70GHz_fwhm60_lmax40_uKRJ.fits" \
    ins/b.fits 1e-5 || fail "--instrument with rg3 differs from PySM's sum"

# the synthetic grids (templates --set): every file, and the presets run on them
"$SKY" templates --nside 4 --set cib1,rg1,rg3 -q syn >/dev/null 2>&1 ||
    fail "templates --set cib1,rg1,rg3"
[ "$(find syn -name '*.fits' | wc -l)" = 140 ] || fail "templates --set cib1,rg1,rg3: not 140 files"
"$SKY" sim -p cib1,rg1,rg3 -n 8 --freqs 140,150,160 --fwhm 120 --lmax 16 -d syn --offline -q \
    -o syn.fits || fail "cib1,rg1,rg3 on the synthetic grids"

if [ -n "$MPIRUN" ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_MCA_rmaps_base_oversubscribe=1 OMP_NUM_THREADS=1
    export OMPI_MCA_btl_vader_single_copy_mechanism=none
    ALL="-p cib1,rg1,d1 -n 16 --freqs 140,145,150 -d $TMPL --offline -q --dtype float64"
    "$SKY" sim $ALL -o serial.fits && "$MPIRUN" --oversubscribe -np 2 "$SKY" sim $ALL \
        -o mpi.fits </dev/null >log 2>&1 && cmp -s serial.fits mpi.fits ||
        { fail "cib1,rg1,d1 under mpirun -np 2: not the serial file"; cat log; }
fi

[ $fails = 0 ] && echo "test_interpolating.sh: all checks passed"
exit $fails
