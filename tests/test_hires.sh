#!/bin/sh
# test_hires.sh SKYMODEL MAP_COMPARE - templates named with {nside} and read
# at the available_nside closest to the sky's, as PySM 3.4.5 does (its d9,
# d10, s4, s5, s7): PySM's maps of those presets' configs with
# available_nside = [16, 32] (data/make_hires_references.py) at nside 8, 16,
# 32 and 64 reproduced within 1e-5 of the RMS. Run from tests/.
set -u
SKY=$1
CMP=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
n=0
grep -v '^#' data/hires_cases.txt >"$W/cases"
while IFS='|' read -r name cfg nside freqs unit ref; do
    name=$(echo $name) nside=$(echo $nside) cfg=$(echo $cfg) ref=$(echo $ref)
    n=$((n + 1))
    out="$W/$name.$nside.fits"
    if ! "$SKY" sim --config "data/$cfg" -n "$nside" --freqs $freqs -u $unit -d data/templates \
        --offline -q --dtype float64 -o "$out" </dev/null; then
        echo "FAIL $name nside $nside: the run failed"; fail=1; continue
    fi
    "$CMP" "data/$ref" "$out" 1e-5 || { echo "FAIL $name nside $nside"; fail=1; }
done <"$W/cases"
[ $n -ge 20 ] || { echo "FAIL: only $n cases"; fail=1; }
# the presets themselves: which files a run at each nside reads
for pair in "64 2048" "2048 2048" "4096 4096" "8192 8192"; do
    set -- $pair
    "$SKY" fetch --preset d10,s7 --nside $1 --list --offline >"$W/list" 2>&1
    grep -q "gnilc_dust_Td_nside$2_2023.06.06.fits" "$W/list" &&
        grep -q "synch_curvature_nside$2_2023.02.17.fits" "$W/list" ||
        { echo "FAIL: at nside $1 the templates are not the nside $2 ones:"; cat "$W/list"; fail=1; }
done
[ $fail = 0 ] && echo "test_hires: $n cases agree with PySM"
exit $fail
