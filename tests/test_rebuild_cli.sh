#!/bin/sh
# test_rebuild_cli.sh SKYMODEL TEMPLATES - an instrument's smoothed channels
# evaluated one at a time with the sky built again for each
# (SKYMODEL_SKY_REBUILD=always, what the paper benchmark does at nside 512 to
# save memory) write the same bytes as all evaluated in one pass (=never),
# with a direct channel and a beam file among them; -v says which was done;
# a bad value of the variable is a one-line error.
set -u
SKY=$1
T=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
cat > "$W/ins.json" <<'JSON'
{"sky": ["d1", "s1", "f1"], "channels": [
 {"name": "a", "freqs_ghz": [30, 35], "fwhm_arcmin": 300},
 {"name": "b", "freqs_ghz": [90, 100, 110], "fwhm_arcmin": 150},
 {"name": "direct", "freqs_ghz": [150]},
 {"name": "c", "freqs_ghz": [220], "fwhm_arcmin": 100}]}
JSON
# one thread: small channels are otherwise smoothed side by side, in one pass
B="sim --instrument $W/ins.json -n 32 -d $T --offline --threads 1"
for mode in never always; do
    SKYMODEL_SKY_REBUILD=$mode "$SKY" $B -v -o "$W/$mode" >/dev/null 2>"$W/$mode.err" || {
        echo "FAIL: $mode"; cat "$W/$mode.err"; fail=1; }
done
for c in a b direct c; do
    cmp -s "$W/never/$c.fits" "$W/always/$c.fits" || { echo "FAIL: $c.fits differs"; fail=1; }
done
grep -q '^skymodel: the sky (built in [0-9.]* s) is built again for each smoothed channel' \
    "$W/always.err" || { echo "FAIL: no rebuild said:"; cat "$W/always.err"; fail=1; }
[ "$(grep -c '^skymodel: sky built again in' "$W/always.err")" = 2 ] || {
    echo "FAIL: not built again twice:"; cat "$W/always.err"; fail=1; }
grep -q 'built again' "$W/never.err" && { echo "FAIL: built again with never"; fail=1; }
SKYMODEL_SKY_REBUILD=sometimes "$SKY" $B -o "$W/bad" >/dev/null 2>"$W/bad.err"
rc=$?
want="skymodel: \$SKYMODEL_SKY_REBUILD 'sometimes': expected always, never or auto"
[ $rc = 2 ] && [ "$(cat "$W/bad.err")" = "$want" ] || {
    echo "FAIL: bad value: exit $rc"; cat "$W/bad.err"; fail=1; }
[ -e "$W/bad" ] && { echo "FAIL: a folder made despite the bad value"; fail=1; }
[ $fail = 0 ] && echo "test_rebuild_cli: ok"
exit $fail
