#!/bin/sh
# test_guards.sh SKYMODEL TEMPLATE_DIR - inputs that used to give silent wrong
# maps, errors that came after the work, files left behind (issue 17):
# - frequencies in Hz (or MHz, or absurd) from every path: --freq, --freqs,
#   --bandpass, an instrument's freqs_ghz and bandpass_file: exit 2, one
#   line, checked verbatim, no output; the range's ends evaluate finitely;
# - NaN/UNSEEN template and input pixels refused with the pixel;
# - the output location checked before any template is read, alike in both
#   modes (folders made as mkdir -p and removed again when the run fails);
# - SIGTERM during a write leaves no temporary file;
# - an unreachable data server: no retry, one line with the places searched;
# - smooth --rotate against the map's COORDSYS;
# - a malformed SKYMODEL_OUTPUT_CACHE_MB.
# Every failing case: exit status 2, exactly one stderr line, no output file
# and no temporary file left in the working folder.
set -u
SKY=$1
TMPL=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
unset SKYMODEL_DATA PYSM_LOCAL_DATA SKYMODEL_OFFLINE SKYMODEL_DATA_URL
export SKYMODEL_CACHE="$W/cache"
fail=0
PY=/usr/bin/python3
have_astropy() { "$PY" -c 'import astropy.io.fits, numpy' 2>/dev/null; }

# leftovers: every *.tmp.* under $W, and the given paths
leftovers() {
    found=$(find "$W" -name '*.tmp.*' 2>/dev/null)
    for f in "$@"; do [ -e "$f" ] && found="$found $f"; done
    echo $found
}

# expect NAME EXPECTED OUTPUTS -- ARGS...: exit 2, one stderr line equal to
# EXPECTED ("skymodel: " added; a leading '~' means "contains"), none of the
# space-separated OUTPUTS left, no temporary file.
expect() {
    name=$1 want=$2 outs=$3
    shift 4
    "$SKY" "$@" >"$W/stdout" 2>"$W/stderr" </dev/null
    code=$?
    lines=$(wc -l <"$W/stderr")
    got=$(cat "$W/stderr")
    case $want in
    "~"*) ok=0; case $got in *"${want#\~}"*) ok=1 ;; esac ;;
    *) ok=0; [ "$got" = "skymodel: $want" ] && ok=1 ;;
    esac
    left=$(leftovers $outs)
    if [ $code -ne 2 ] || [ "$lines" -ne 1 ] || [ $ok -ne 1 ] || [ -n "$left" ]; then
        echo "FAIL $name: exit $code, $lines stderr lines, left: [$left]"
        echo "  got:  $got"
        echo "  want: $want"
        fail=1
    fi
    rm -rf $outs
}

SIM="sim -q -p d1 -n 8 -d $TMPL --offline"

# --- 1. frequencies ----------------------------------------------------------
expect "--freq in Hz" \
    "--freq 1e+11: frequencies are in GHz (did you give Hz? 100 GHz is 100, not 1e11)" \
    out.fits -- $SIM --freq 100e9 -o out.fits
expect "--freqs in Hz" \
    "--freqs: frequency 9e+10 (sample 1 of 3): frequencies are in GHz (did you give Hz? 90 GHz is 90, not 9e10)" \
    out.fits -- $SIM --freqs 90e9,100e9,110e9 -o out.fits
printf '# GHz weight\n90e9 1\n100e9 1\n110e9 1\n' >bp_hz.txt
expect "--bandpass in Hz" \
    "bandpass file bp_hz.txt: frequency 9e+10 (sample 1 of 3): frequencies are in GHz (did you give Hz? 90 GHz is 90, not 9e10)" \
    out.fits -- $SIM --bandpass bp_hz.txt -o out.fits
expect "--freq in MHz, K_CMB" \
    "--freq 100000: frequencies are in GHz (did you give MHz? 100 GHz is 100, not 100000)" \
    out.fits -- $SIM --freq 100000 --unit uK_CMB -o out.fits
for f in 1e300 1e-300 4e13 0.000999; do
    expect "--freq $f" "~: expected a frequency from 0.001 to 30000 GHz (1 MHz to 30 THz), where the sky models apply" \
        out.fits -- $SIM --freq $f -o out.fits
done
printf '1e299 1\n1e300 1\n' >bp_huge.txt
expect "bandpass at 1e300 GHz" \
    "bandpass file bp_huge.txt: frequency 1e+299 (sample 1 of 2): expected a frequency from 0.001 to 30000 GHz (1 MHz to 30 THz), where the sky models apply" \
    out.fits -- $SIM --bandpass bp_huge.txt -o out.fits
cat >inst_hz.json <<'EOF'
{"sky": ["d1"], "channels": [{"name": "a", "freqs_ghz": [100e9]}]}
EOF
expect "instrument freqs_ghz in Hz" \
    "inst_hz.json: channels[0]: frequency 1e+11: frequencies are in GHz (did you give Hz? 100 GHz is 100, not 1e11)" \
    maps -- sim -q --instrument inst_hz.json -n 8 -d "$TMPL" --offline -o maps
cat >inst_bp.json <<'EOF'
{"sky": ["d1"], "channels": [{"name": "a", "bandpass_file": "bp_hz.txt"}]}
EOF
expect "instrument bandpass_file in Hz" \
    "inst_bp.json: channels[0]: bandpass file bp_hz.txt: frequency 9e+10 (sample 1 of 3): frequencies are in GHz (did you give Hz? 90 GHz is 90, not 9e10)" \
    maps -- sim -q --instrument inst_bp.json -n 8 -d "$TMPL" --offline -o maps
cat >ref_hz.toml <<'EOF'
[dust]
class = "ModifiedBlackBody"
map_I = "pysm_2/dust_t_new.fits"
freq_ref_I = "5e16 Hz"
map_mbb_index = 1.5
map_mbb_temperature = 20
unit_mbb_temperature = "K"
has_polarization = false
EOF
expect "a reference frequency out of range" \
    "ref_hz.toml:1: component dust: parameter 'freq_ref_I' = \"5e16 Hz\": expected a frequency from 1 MHz to 30 THz, where the models apply" \
    out.fits -- sim -q --config ref_hz.toml -n 8 --freq 100 -d "$TMPL" --offline -o out.fits
# the ends of the range give finite maps in every unit (the writer refuses
# NaN and Inf; a NaN in one component is a NaN in the sum)
for u in uK_CMB MJy/sr uK_RJ; do
    "$SKY" sim -q -p d1,s3,f1,a2,c1,c2,d8 -n 8 -d "$TMPL" --offline --freqs 0.001,30000 -u $u \
        --dtype float64 -o ends.fits </dev/null ||
        { echo "FAIL: the presets in $u at 1 MHz and 30 THz"; fail=1; }
    rm -f ends.fits
done

# --- 2. NaN and UNSEEN pixels --------------------------------------------------
if have_astropy; then
    mkdir -p nan/pysm_2
    "$PY" - "$TMPL/pysm_2/ff_t_new.fits" nan/pysm_2/ff_t_new.fits g.fits <<'EOF'
import sys, numpy as np
from astropy.io import fits
h = fits.open(sys.argv[1])
d = h[1].data["TEMPERATURE" if "TEMPERATURE" in h[1].columns.names else h[1].columns.names[0]]
flat = d.reshape(-1)
flat[5] = np.nan
flat[9] = -1.6375e30
d[...] = flat.reshape(d.shape)
h.writeto(sys.argv[2])
EOF
    expect "NaN template" \
        "component f1: template nan/pysm_2/ff_t_new.fits column 1: 2 pixels are NaN, Inf or UNSEEN (the first: pixel 5 at nside 64): expected values everywhere" \
        out.fits -- sim -q -p f1 -n 64 --freq 30 -d nan --offline -o out.fits
    # degraded: the bad children are skipped, as healpy's ud_grade does
    "$SKY" sim -q -p f1 -n 32 --freq 30 -d nan --offline -o out.fits </dev/null ||
        { echo "FAIL: NaN children of a degraded template"; fail=1; }
    rm -f out.fits
    # a map to smooth with UNSEEN, and COORDSYS spelled out
    "$SKY" sim -q -p f1 -n 16 --freq 30 -d "$TMPL" --offline -o g.fits </dev/null
    "$PY" - <<'EOF'
import numpy as np
from astropy.io import fits
h = fits.open("g.fits")
d = h[1].data["I_STOKES"].reshape(-1)
d[7] = -1.6375e30
h[1].data["I_STOKES"][...] = d.reshape(h[1].data["I_STOKES"].shape)
h.writeto("unseen.fits")
h[1].data["I_STOKES"][...] = 1.0
h[1].header["COORDSYS"] = "GALACTIC"
h.writeto("galactic.fits")
h[1].header["COORDSYS"] = "EQUATORIAL"
h.writeto("equatorial.fits")
EOF
    expect "UNSEEN in a map to smooth" \
        "unseen.fits column 1: 1 pixel is NaN, Inf or UNSEEN (the first: pixel 7): expected values everywhere" \
        out.fits -- smooth -q unseen.fits --fwhm 60 -o out.fits
    expect "--rotate against COORDSYS GALACTIC" \
        "galactic.fits has COORDSYS 'G' but --rotate C:G rotates from C: the map is in G already (drop --rotate)" \
        out.fits -- smooth -q galactic.fits --rotate C:G -o out.fits
    expect "--rotate against COORDSYS EQUATORIAL" \
        "equatorial.fits has COORDSYS 'C' but --rotate G:E rotates from G: expected --rotate C:E" \
        out.fits -- smooth -q equatorial.fits --rotate G:E -o out.fits
    "$SKY" smooth -q galactic.fits --rotate G:C -o rot.fits </dev/null &&
        "$SKY" smooth -q rot.fits --fwhm 60 -o kept.fits </dev/null &&
        head -c 5760 rot.fits | grep -q "COORDSYS= 'C " &&
        head -c 5760 kept.fits | grep -q "COORDSYS= 'C " ||
        { echo "FAIL: smooth does not write the target frame, or loses the input's"; fail=1; }
else
    echo "test_guards: no astropy in $PY, NaN and COORDSYS cases skipped"
fi
expect "--rotate against COORDSYS G" \
    "~has COORDSYS 'G' but --rotate C:G rotates from C: the map is in G already (drop --rotate)" \
    out.fits -- smooth -q "$TMPL/pysm_2/ff_t_new.fits" --rotate C:G -o out.fits

# --- 3. the output location, before any template is read ----------------------
# (with a data folder that has no templates and --offline: the error must be
# the output's, not the missing templates')
mkdir -p empty existing
touch afile
cat >inst_ok.json <<'EOF'
{"sky": ["d1"], "channels": [{"name": "a", "freqs_ghz": [100]}]}
EOF
NOTMPL="-p d1 -n 8 --freq 100 -d empty --offline"
expect "-o ''" "-o '': expected a file name" "" -- sim -q $NOTMPL -o ""
expect "-o a folder" "-o existing: is a directory: expected a file name" "" -- \
    sim -q $NOTMPL -o existing
expect "-o under a file" "-o afile/x.fits: afile is not a folder" "" -- \
    sim -q $NOTMPL -o afile/x.fits
expect "--plot under a file" "--plot afile/x.png: afile is not a folder" "out.fits" -- \
    sim -q $NOTMPL -o out.fits --plot afile/x.png
expect "--instrument -o under a file" "-o afile/maps: afile is not a folder" "" -- \
    sim -q --instrument inst_ok.json -n 8 -d empty --offline -o afile/maps
expect "smooth -o a folder" "-o existing: is a directory: expected a file name" "" -- \
    smooth -q "$TMPL/pysm_2/ff_t_new.fits" -o existing
if [ "$(id -u)" -ne 0 ]; then
    mkdir ro && chmod 555 ro
    expect "-o in a read-only folder" "-o ro/x.fits: cannot write in the folder ro: Permission denied" \
        "" -- sim -q $NOTMPL -o ro/x.fits
fi
# missing folders are made (mkdir -p) and removed again when the run fails
expect "folders made, then removed" "~offline and 5 templates are missing" "new" -- \
    sim -q $NOTMPL -o new/sub/x.fits
expect "instrument folders made, then removed" "~offline and 5 templates are missing" "new" -- \
    sim -q --instrument inst_ok.json -n 8 -d empty --offline -o new/maps
"$SKY" sim -q -p f1 -n 8 --freq 30 -d "$TMPL" --offline -o new/sub/x.fits </dev/null &&
    [ -f new/sub/x.fits ] || { echo "FAIL: -o new/sub/x.fits: folders not made"; fail=1; }

# --- 4. SIGTERM during a write: no temporary file ------------------------------
# The writer's temporary file exists from the first pixel written to the
# rename; once it is seen, the run is stopped, sent SIGTERM and continued.
# If the run finished before it could be stopped, a larger one is tried.
sig_ok=0
for n in 256 512 1024 2048; do
    rm -f sig.fits
    "$SKY" sim -q -p d1,s1 -n $n --freqs 90,100,110 --dtype float64 -d "$TMPL" --offline \
        -o sig.fits </dev/null &
    pid=$!
    seen=0
    while kill -0 $pid 2>/dev/null; do
        if ls sig.fits.tmp.* >/dev/null 2>&1; then seen=1; break; fi
        sleep 0.01
    done
    if [ $seen -eq 1 ] && kill -STOP $pid 2>/dev/null; then
        kill -TERM $pid
        kill -CONT $pid
        wait $pid
        code=$?
        left=$(leftovers sig.fits)
        [ $code -eq 143 ] && [ -z "$left" ] ||
            { echo "FAIL: SIGTERM during a write (nside $n): exit $code, left [$left]"; fail=1; }
        sig_ok=1
        break
    fi
    wait $pid
done
[ $sig_ok -eq 1 ] || { echo "FAIL: never caught a write in progress"; fail=1; }

# --- 5. an unreachable data server: one line, no retry, exit 2 -----------------
for url in http://nonexistent.invalid/ http://127.0.0.1:1/; do
    expect "template from $url" "~template pysm_2/ff_t_new.fits not found in empty (--data-dir), the cache $W/cache, nor downloadable: ${url}pysm_2/ff_t_new.fits: " \
        out.fits -- sim -p f1 -n 8 --freq 30 -d empty --data-url $url -o out.fits
    case $(cat "$W/stderr") in
    *"(synthetic templates: skymodel templates DIR; download ahead: skymodel fetch; never download: --offline)") ;;
    *) echo "FAIL: $url: no hint: $(cat "$W/stderr")"; fail=1 ;;
    esac
done

# --- 6. the written maps' page-cache budget (src/io/written.h) -----------------
SKYMODEL_OUTPUT_CACHE_MB=2GB expect "cache budget" \
    "\$SKYMODEL_OUTPUT_CACHE_MB '2GB': expected a whole number of MB (0 or more) or all" \
    "$W/c.fits" -- $SIM -f 100 -o "$W/c.fits"
for v in 0 all; do
    if ! SKYMODEL_OUTPUT_CACHE_MB=$v "$SKY" $SIM -f 100 -o "$W/c$v.fits" 2>"$W/stderr" ||
        [ ! -s "$W/c$v.fits" ]; then
        echo "FAIL cache budget $v: not written ($(cat "$W/stderr"))"
        fail=1
    fi
done

[ $fail -eq 0 ] && echo "test_guards: all passed"
exit $fail
