#!/bin/sh
# test_extragalactic.sh SKYMODEL TEMPLATE_DIR MAP_COMPARE - the dipole, WebSky CMB, SZ
# and CO presets (issue 18) from the command line, beyond the PySM maps of
# test_extragalactic (test_reference on data/extragalactic_cases.txt):
# - bad input: one line on stderr, word for word, exit 2, nothing written;
# - the files each preset reads at each nside (fetch --list);
# - max_nside: a warning, not an error;
# - the dipole adds to I only, first, last or alone;
# - --parts: the same map part after part.
set -u
SKY=$1
TMPL=$2
CMP=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

SIM="sim --nside 8 --freq 100 -d $TMPL --offline -o out.fits"
dipole='[dip]
class = "CMBDipole"
amp = "3366.6 uK_CMB"
T_cmb = "2.72548 K_CMB"
dip_lon = "263.986 deg"
dip_lat = "48.247 deg"'

# config KEY=VALUE lines appended to a table: c.toml
config() {
    printf '%s\n' "$@" >c.toml
}

config "$dipole" 'ampp = "1 K_CMB"'
expect "skymodel: c.toml:7: [dip] ampp: unknown parameter of CMBDipole (did you mean amp?)" \
    $SIM --config c.toml
config "$(echo "$dipole" | sed 's/uK_CMB"/furlongs"/')"
expect "skymodel: c.toml:3: [dip] amp = \"3366.6 furlongs\": expected a quantity string like \"3366.6 uK_CMB\" (K_CMB, mK_CMB or uK_CMB)" \
    $SIM --config c.toml
config "$(echo "$dipole" | sed 's/2.72548 K_CMB/2.72548 K/')"
expect "skymodel: c.toml:4: [dip] T_cmb = \"2.72548 K\": expected a quantity string like \"3366.6 uK_CMB\" (K_CMB, mK_CMB or uK_CMB)" \
    $SIM --config c.toml
config "$(echo "$dipole" | sed 's/"48.247 deg"/48.247/')"
expect "skymodel: c.toml:6: [dip] dip_lat is a number, expected a quantity string like \"48.2 deg\" (deg, arcmin, arcsec or rad)" \
    $SIM --config c.toml
config "$(echo "$dipole" | sed 's/"48.247 deg"/"1.7 rad"/')"
expect "skymodel: c.toml:6: [dip] dip_lat = 97.4028 deg: expected a latitude from -90 to 90 deg" \
    $SIM --config c.toml
config "$(echo "$dipole" | grep -v T_cmb)"
expect "skymodel: c.toml:1: [dip] T_cmb: missing parameter of CMBDipole: expected a quantity string with its unit" \
    $SIM --config c.toml
config '[co]' 'class = "COLines"' 'run_mcmole3d = true'
expect "skymodel: c.toml:3: [co] run_mcmole3d = true needs the mcmole3d Python package, which skymodel cannot run: use run_mcmole3d = false (the clouds then come from co/mcmoleCO_HGL_*.fits)" \
    $SIM --config c.toml
config '[co]' 'class = "COLines"' 'lines = ["10", "43"]'
expect "skymodel: c.toml:3: [co] lines = [\"10\", \"43\"]: expected a list of distinct lines among \"10\", \"21\" and \"32\", e.g. [\"10\", \"21\"]" \
    $SIM --config c.toml
config '[co]' 'class = "COLines"' 'has_polarisation = false'
expect "skymodel: c.toml:3: [co] has_polarisation: unknown parameter of COLines (did you mean has_polarization?)" \
    $SIM --config c.toml
config '[sz]' 'class = "SimpleSZ"' 'sz_type = "termal"' 'template_name = "pysm_2/ff_t_new.fits"'
expect "skymodel: c.toml:3: [sz] sz_type = \"termal\": expected \"thermal\" or \"kinetic\"" \
    $SIM --config c.toml
config '[sz]' 'class = "SimpleSZ"' 'sz_type = "thermal"'
expect "skymodel: c.toml:1: [sz] template_name: missing parameter of SimpleSZ: expected a string" \
    $SIM --config c.toml
config '[cmb]' 'class = "WebSkyCMB"' 'seed = 1.5'
expect "skymodel: c.toml:3: [cmb] seed = 1.5: expected a non-negative integer (it names the files; no random numbers are drawn)" \
    $SIM --config c.toml

# missing maps, offline: every one named
mkdir -p empty
expect "skymodel: offline and 3 templates are missing (not in the data folders or the cache $D/cache): websky/0.4/cmb/map_I_lensed_alm_seed1_nside512.fits, websky/0.4/cmb/map_Q_lensed_alm_seed1_nside512.fits, websky/0.4/cmb/map_U_lensed_alm_seed1_nside512.fits" \
    sim -p c4 -n 8 -f 100 -d empty --offline --cache-dir "$D/cache" -o out.fits
expect "skymodel: offline and 4 templates are missing (not in the data folders or the cache $D/cache): co/HFI_CompMap_CO-Type1_2048_R2.00_ring.fits, co/psimap_dust90_2048.fits, co/gmap_dust90_2048.fits, co/mcmoleCO_HGL_2048.fits" \
    sim -p co3 -n 1024 -f 100 -d empty --offline --cache-dir "$D/cache" -o out.fits
# maps of the wrong shape: one column where the CO lines need three; an alm
# table where a HEALPix map is expected
mkdir -p bad/co
cp "$TMPL/pysm_2/ff_t_new.fits" bad/co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits
expect "skymodel: bad/co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits: has 1 column, expected at least 3" \
    sim -p co1 -n 8 -f 115.271 -d bad --offline -o out.fits
config '[sz]' 'class = "SimpleSZ"' 'sz_type = "kinetic"' \
    'template_name = "realization/dust_mod_t.fits.gz"'
expect "skymodel: c.toml:1: $TMPL/realization/dust_mod_t.fits.gz: column 1 has 325 values: not a HEALPix map (expected 12*nside^2 with nside a power of two up to 8192)" \
    $SIM --config c.toml

# the files read at each nside: the nside-512 sets up to 512, then 4096
# (WebSky CMB) and 2048 (CO); the SZ maps whatever the nside
for pair in "64 512 512" "512 512 512" "1024 4096 2048" "8192 4096 2048"; do
    set -- $pair
    "$SKY" fetch --preset c3,co3,tsz2,ksz1 --nside $1 --list --offline >list 2>&1
    for f in "websky/0.4/cmb/map_U_unlensed_alm_seed1_nside$2.fits" \
        "co/HFI_CompMap_CO-Type1_$3_R2.00_ring.fits" "co/mcmoleCO_HGL_$3.fits" \
        "agora/agora_utszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits" "websky/0.4/ksz.fits"; do
        grep -q "^$f " list || { fail "nside $1: $f not listed"; cat list; }
    done
    [ "$(grep -c '^[a-z]' list)" = 9 ] || { fail "nside $1: expected 9 files"; cat list; }
done
"$SKY" fetch --preset co1 --nside 64 --list --offline >list 2>&1
grep -q psimap list && { fail "co1 (unpolarised) lists the polarisation angle map"; cat list; }

# max_nside is advice: a warning naming it, the map written
printf '[ksz]\nclass = "SimpleSZ"\nsz_type = "kinetic"\ntemplate_name = "pysm_2/ff_t_new.fits"\nmax_nside = 32\n' >ksz.toml
"$SKY" sim --config ksz.toml -n 64 -f 100 -d "$TMPL" --offline -o out.fits >stdout 2>stderr
[ $? = 0 ] && [ -s out.fits ] &&
    grep -q "^skymodel: warning: component ksz: nside 64 is above its max_nside 32: its templates are upgraded (pixel copies) and add no detail beyond nside 32$" stderr ||
    { fail "max_nside warning"; cat stderr; }
rm -f out.fits
"$SKY" sim --config ksz.toml -n 64 -f 100 -d "$TMPL" --offline -q -o out.fits 2>stderr
[ ! -s stderr ] || { fail "-q still prints the max_nside warning"; cat stderr; }

# --parts: each part reads its rows only, the file is the whole-sky one
ALL="-p c4,co3,dip1,tsz1,ksz1 -n 32 --freqs 220,230,240 -d $TMPL --offline -q"
"$SKY" sim $ALL -o whole.fits && "$SKY" sim $ALL --parts 3 -o parts.fits &&
    "$CMP" whole.fits parts.fits 0 || fail "--parts 3 differs from the whole sky"

[ $fails = 0 ] && echo "test_extragalactic.sh: all checks passed"
exit $fails
