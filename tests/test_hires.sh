#!/bin/sh
# test_hires.sh SKYMODEL MAP_COMPARE - the high-resolution presets' models
# against PySM 3.4.5, run from tests/:
# - templates named with {nside} and read at the available_nside closest to
#   the sky's (d9, d10, s4, s5, s7 with available_nside = [16, 32]) and d12's
#   layers (data/make_hires_references.py): within 1e-5 of the RMS;
# - d11's and s6's realisations from alm and spectra, with and without the
#   Galactic-plane fix, seeds and synalm_lmax given
#   (data/make_realization_references.py): within 1e-4 of the RMS;
# - bad inputs: clear one-line errors, exit 2, no output.
set -u
SKY=$1
CMP=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
n=0
grep -v '^#' data/hires_cases.txt | sed 's/$/ | 1e-5/' >"$W/cases"
grep -v '^#' data/realization_cases.txt | sed 's/$/ | 1e-4/' >>"$W/cases"
while IFS='|' read -r name cfg nside freqs unit ref tol; do
    name=$(echo $name) nside=$(echo $nside) cfg=$(echo $cfg) ref=$(echo $ref) tol=$(echo $tol)
    n=$((n + 1))
    out="$W/$name.$nside.fits"
    if ! "$SKY" sim --config "data/$cfg" -n "$nside" --freqs $freqs -u $unit -d data/templates \
        --offline -q --dtype float64 -o "$out" </dev/null; then
        echo "FAIL $name nside $nside: the run failed"; fail=1; continue
    fi
    "$CMP" "data/$ref" "$out" "$tol" || { echo "FAIL $name nside $nside"; fail=1; }
done <"$W/cases"
[ $n -ge 30 ] || { echo "FAIL: only $n cases"; fail=1; }
# the presets themselves: which files a run at each nside reads
for pair in "64 2048" "2048 2048" "4096 4096" "8192 8192"; do
    set -- $pair
    "$SKY" fetch --preset d10,s7 --nside $1 --list --offline >"$W/list" 2>&1
    grep -q "gnilc_dust_Td_nside$2_2023.06.06.fits" "$W/list" &&
        grep -q "synch_curvature_nside$2_2023.02.17.fits" "$W/list" ||
        { echo "FAIL: at nside $1 the templates are not the nside $2 ones:"; cat "$W/list"; fail=1; }
done
# without seeds the small scales are random (as PySM's seeds = None); the
# seeds drawn are in the header, and running with them gives the same map
sed '/^seeds/d' data/realization/d11.toml >"$W/noseed.toml"
# seeded_config MAP: $seeds, the SEED1-3 cards of MAP's header, and
# $W/seeded.toml, d11's config with them
seeded_config() {
    seeds=$(head -c 28800 "$1" | grep -ao 'SEED[1-3] *= *[0-9]*' | sed 's/.*= *//' |
        tr '\n' ',' | sed 's/,$//')
    sed "s/^seeds = .*/seeds = [$seeds]/" data/realization/d11.toml >"$W/seeded.toml"
}
for k in 1 2; do
    "$SKY" sim --config "$W/noseed.toml" -n 16 --freq 100 -d data/templates --offline -q \
        --dtype float64 -o "$W/random$k.fits" </dev/null || { echo "FAIL: d11 without seeds"; fail=1; }
done
if "$CMP" "$W/random1.fits" "$W/random2.fits" 1e-3 2>/dev/null; then
    echo "FAIL: two runs without seeds gave the same sky"; fail=1
fi
seeded_config "$W/random1.fits"
"$SKY" sim --config "$W/seeded.toml" -n 16 --freq 100 -d data/templates --offline -q \
    --dtype float64 -o "$W/again.fits" </dev/null &&
    "$CMP" "$W/random1.fits" "$W/again.fits" 0 ||
    { echo "FAIL: the recorded seeds [$seeds] do not give the same sky again"; fail=1; }

# --parts K: the same file built part after part, random seeds included
"$SKY" sim --config data/hires/d10.toml --config data/hires/s5.toml --config "$W/noseed.toml" \
    -n 32 --freqs 90,100 -d data/templates --offline -q -o "$W/parts3.fits" --parts 3 </dev/null ||
    { echo "FAIL: --parts 3"; fail=1; }
seeded_config "$W/parts3.fits"
"$SKY" sim --config data/hires/d10.toml --config data/hires/s5.toml --config "$W/seeded.toml" \
    -n 32 --freqs 90,100 -d data/templates --offline -q -o "$W/parts1.fits" </dev/null &&
    "$CMP" "$W/parts1.fits" "$W/parts3.fits" 0 ||
    { echo "FAIL: --parts 3 is not the whole-sky run"; fail=1; }
"$SKY" sim -p d1 -n 16 -f 100 --fwhm 60 --parts 2 -o "$W/p.fits" 2>"$W/out" </dev/null
[ $? = 2 ] && grep -q "for unsmoothed maps only" "$W/out" && [ ! -e "$W/p.fits" ] ||
    { echo "FAIL: --parts with smoothing"; cat "$W/out"; fail=1; }

# bad inputs: config edited with sed, expected exit 2, message, no output
bad() { # bad NAME CONFIG SED MESSAGE
    sed "$3" "data/$2" >"$W/bad.toml"
    "$SKY" sim --config "$W/bad.toml" -n 16 --freq 100 -d data/templates --offline -q \
        -o "$W/bad.fits" >"$W/out" 2>&1 </dev/null
    rc=$?
    if [ $rc != 2 ] || ! grep -q "$4" "$W/out" || [ -e "$W/bad.fits" ] ||
        [ "$(wc -l <"$W/out")" != 1 ]; then
        echo "FAIL bad input ($1): exit $rc, expected 2 and one line with '$4':"
        cat "$W/out"
        fail=1
    fi
}
R=realization
bad "seeds" $R/d11.toml 's/^seeds = .*/seeds = [1, 2]/' "seeds has 2 values: expected 3 seeds"
bad "seeds type" $R/s6.toml 's/^seeds = .*/seeds = "x"/' "parameter 'seeds' = x: expected a list"
bad "alm HDUs" $R/d11.toml "s|^largescale_alm = .*|largescale_alm = \"$R/dust_mod_t.fits.gz\"|" \
    "dust_mod_t.fits.gz has 1 extension: expected 3 alm tables (T, E, B)"
bad "alm lmax" $R/d11.toml "s|^largescale_alm = .*|largescale_alm = \"$R/bad_alm_lmax.fits.gz\"|" \
    "extension 3 goes to lmax = 8: expected lmax = 16 as extension 1"
bad "alm rows" $R/s6.toml \
    "s|^amplitude_modulation_pol_alm = .*|amplitude_modulation_pol_alm = \"$R/bad_alm_incomplete.fits.gz\"|" \
    "holds 40 of the 45 coefficients to lmax = 8"
bad "cl columns" $R/s6.toml "s|^small_scale_cl = .*|small_scale_cl = \"$R/bad_cl_3col.fits.gz\"|" \
    "bad_cl_3col.fits.gz have 3 columns: expected 6 (TT, EE, BB, TE, EB, TB) or 4"
bad "index cl unit" $R/s6.toml \
    "s|^small_scale_cl_pl_index = .*|small_scale_cl_pl_index = \"$R/synch_ss_cl.fits.gz\"|" \
    "unit 'uK_RJ^2': expected none (the spectrum of a dimensionless field)"
bad "cl unit" $R/d11.toml \
    "s|^small_scale_cl_mbb_temperature = .*|small_scale_cl_mbb_temperature = \"$R/dust_ss_cl.fits.gz\"|" \
    "unit 'uK_RJ2': expected the square of a unit convertible to K"
bad "fix without beta_Td" $R/d11.toml '/^galplane_fix_beta_Td/d' \
    "galplane_fix is given without galplane_fix_beta_Td"
bad "layers" hires/d12.toml 's/^num_layers = .*/num_layers = 4/' "thermaldust_ampl4.fits"

[ $fail = 0 ] && echo "test_hires: $n cases agree with PySM"
exit $fail
