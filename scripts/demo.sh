#!/bin/sh
# The main job: installs what is missing, builds, and simulates
# d1,s1,f1,a1,c2 at nside 256 over a 90-110 GHz top-hat band in uK_CMB.
# Uses the PySM templates in $SKYMODEL_DATA or $PYSM_LOCAL_DATA when they are
# there, otherwise a synthetic template set written by `skymodel templates`.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
mkdir -p out
DATA=${SKYMODEL_DATA:-${PYSM_LOCAL_DATA:-}}
if [ -z "$DATA" ] || [ ! -f "$DATA/pysm_2/dust_t_new.fits" ]; then
    DATA=out/templates
    if [ ! -f "$DATA/pysm_2/lensed_cmb.fits" ]; then
        ./build/skymodel templates --nside 256 --seed 1 -q "$DATA"
        echo "synthetic templates (nside 256, seed 1) in $DATA"
    fi
fi
./build/skymodel sim --preset d1,s1,f1,a1,c2 --nside 256 \
    --freqs 90,92,94,96,98,100,102,104,106,108,110 --unit uK_CMB \
    --data-dir "$DATA" -o out/sky_d1s1f1a1c2_n256_90-110GHz_uKCMB.fits --force \
    --plot out/sky_d1s1f1a1c2_n256_90-110GHz_uKCMB.png
