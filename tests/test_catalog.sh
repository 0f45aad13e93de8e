#!/bin/sh
# test_catalog.sh SKYMODEL TEMPLATE_DIR MAP_COMPARE - rg2 (PointSourceCatalog,
# issue 20) from the command line, beyond the PySM maps of
# test_catalog_reference:
# - bad catalogues: one line on stderr, word for word, exit 2, nothing written;
# - fetch --list and info name the catalogue;
# - templates --set rg2 writes a catalogue that runs;
# - --parts: the same map part after part;
# - painted beams from the command line: --fwhm against its --beam-window
#   table, a CAR map.
set -u
SKY=$1
TMPL=$2
CMP=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

CAT=websky/0.4/radio_catalog/websky_high_flux_catalog_1mJy_2025.09.09.h5
LAYOUT="PySM's point-source catalogue (HDF5 datasets theta, phi, logpolycoefflux, logpolycoefpolflux)"
mkdir -p bad/websky/0.4/radio_catalog
SIM="sim -p rg2 --nside 8 --freq 100 -d $D/bad --offline -o out.fits"

echo "theta,phi" >bad/$CAT
expect "skymodel: component rg2: $D/bad/$CAT: not an HDF5 file (or a corrupt one): expected $LAYOUT" $SIM
head -c 3000 "$TMPL/$CAT" >bad/$CAT # the superblock without the data: truncated
expect "skymodel: component rg2: $D/bad/$CAT: cannot be opened as HDF5 (corrupt file?): expected $LAYOUT" $SIM
: >bad/$CAT
expect "skymodel: component rg2: $D/bad/$CAT: not an HDF5 file (or a corrupt one): expected $LAYOUT" $SIM
rm bad/$CAT
expect "skymodel: offline and 1 template is missing (not in the data folders or the cache $HOME/.cache/skymodel): $CAT" $SIM
printf '[src]\nclass = "PointSourceCatalog"\ncatalog_filename = "%s"\ncatalog_slice = [10, 20, 0]\n' "$CAT" >c.toml
expect "skymodel: c.toml:4: [src] catalog_slice = [10, 20, 0]: expected [start, stop] or [start, stop, step] with integers and step >= 1 (Python's slice)" \
    sim --config c.toml --nside 8 --freq 100 -d "$TMPL" --offline -o out.fits

# the catalogue is a file of the preset
"$SKY" fetch --preset rg2 --nside 64 --list --offline -d "$TMPL" >list 2>&1
grep -q "^$CAT " list || { fail "fetch --list: the catalogue not listed"; cat list; }
"$SKY" info rg2 -d "$TMPL" >info 2>&1
grep -q "PointSourceCatalog" info && grep -q "$CAT" info || { fail "info rg2"; cat info; }

# the synthetic catalogue runs, and its map is the same part after part
"$SKY" templates --nside 8 --set rg2 -q syn || fail "templates --set rg2"
ALL="-p rg2,d1 -n 32 --freqs 90,100,110 -d $D/syn -d $TMPL --offline -q"
"$SKY" sim $ALL -o whole.fits && "$SKY" sim $ALL --parts 3 -o parts.fits &&
    "$CMP" whole.fits parts.fits 0 || fail "--parts 3 differs from the whole sky"

# painted with --fwhm and with the same Gaussian as a --beam-window table
# (its Legendre profile): the same map within 2 % of the RMS (1.2e-4 of the
# peak: the table's profile is the sphere's heat kernel, --fwhm PySM's flat
# Gaussian); and a CAR map beside the HEALPix one
awk 'BEGIN { s = 180 / 60 * 3.141592653589793 / 180 / sqrt(8 * log(2));
    for (l = 0; l <= 192; l++) printf "%.17g\n", exp(-0.5 * l * (l + 1) * s * s) }' >bl.txt
B="-p rg2 -n 64 -f 100 -d $TMPL --offline -q"
"$SKY" sim $B --fwhm 180 --car-resol 120 -o g.fits && [ -s g_car.fits ] &&
    "$SKY" sim $B --beam-window bl.txt --lmax 192 -o w.fits &&
    "$CMP" g.fits w.fits 0.02 || fail "--fwhm and its --beam-window table differ"

[ $fails = 0 ] && echo "test_catalog.sh: all checks passed"
exit $fails
