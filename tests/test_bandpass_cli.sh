#!/bin/sh
# test_bandpass_cli.sh SKYMODEL TEMPLATE_DIR - `skymodel bandpass sample`
# (issue 21): the files it writes (N bandpasses and an instrument file that
# `sim --instrument` runs), the same files for the same seed, the seed
# reported when not given, and bad input: one line on stderr, word for word,
# exit 2, nothing written.
set -u
SKY=$1
TMPL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

cp "$HERE/data/bandpass_sampler/input.txt" f090.txt
"$SKY" bandpass sample f090.txt --count 3 --seed 11 --bootstrap-size 32 -o bands >stdout 2>stderr ||
    fail "sample: $(cat stderr)"
for f in f090_0.txt f090_1.txt f090_2.txt instrument.json; do
    [ -s "bands/$f" ] || fail "bands/$f not written"
done
grep -q "seed 11" bands/f090_0.txt || fail "the seed is not in the bandpass file"
[ "$(grep -vc '^#' bands/f090_2.txt)" = 32 ] || fail "f090_2.txt: not 32 rows"
# the same seed, the same bandpasses
"$SKY" bandpass sample f090.txt --count 3 --seed 11 --bootstrap-size 32 -o again -q \
    >stdout 2>stderr || fail "again: $(cat stderr)"
cmp -s bands/f090_1.txt again/f090_1.txt || fail "seed 11 twice: different bandpasses"
[ ! -s stdout ] && [ ! -s stderr ] || fail "-q printed something"
# no seed: one chosen and reported
"$SKY" bandpass sample f090.txt --count 1 -o fresh >stdout 2>&1 || fail "no seed: $(cat stdout)"
grep -q "(seed [0-9]*, kernel sigma" stdout || fail "no seed: not reported: $(cat stdout)"
# the instrument runs
"$SKY" sim -q --instrument bands/instrument.json --preset d1 --nside 8 -d "$TMPL" --offline \
    -o maps 2>stderr || fail "sim --instrument: $(cat stderr)"
for k in 0 1 2; do
    [ -s "maps/f090_$k.fits" ] || fail "maps/f090_$k.fits not written"
done

# bad input: nothing written (no folder made)
B="bandpass sample f090.txt -o none"
expect "skymodel: --count is required: the number of bandpasses" bandpass sample f090.txt -o none
expect "skymodel: --count '0': expected an integer from 1 to 100000" $B --count 0
expect "skymodel: --count '2x': expected an integer from 1 to 100000" $B --count 2x
expect "skymodel: --seed '-1': expected an integer from 0 to 9007199254740991" $B --count 2 --seed -1
expect "skymodel: --bootstrap-size '7': expected an integer from 8 to 10000" $B --count 2 \
    --bootstrap-size 7
expect "skymodel: -o/--output is required: the folder for the bandpasses" bandpass sample \
    f090.txt --count 2
expect "skymodel: expected one bandpass file, got 0 (see skymodel bandpass sample --help)" \
    bandpass sample --count 2 -o none
expect "skymodel: bandpass: expected the subcommand 'sample' (skymodel bandpass sample FILE --count N -o DIR)" \
    bandpass
expect "skymodel: bandpass 'resample': expected the subcommand 'sample' (skymodel bandpass sample FILE --count N -o DIR)" \
    bandpass resample f090.txt
printf '100 1\n90 1\n' >dec.txt
expect "skymodel: bandpass file dec.txt: frequency 90 GHz (sample 2) after 100 GHz: expected strictly increasing frequencies without duplicates" \
    bandpass sample dec.txt --count 2 -o none
printf '90 1\n100 -0.5\n' >neg.txt
expect "skymodel: bandpass file neg.txt: weight -0.5 (sample 2, 100 GHz): expected a finite value >= 0" \
    bandpass sample neg.txt --count 2 -o none
printf '90 0\n100 0\n' >zero.txt
expect "skymodel: bandpass file zero.txt: bandpass weights are all zero: expected some > 0" \
    bandpass sample zero.txt --count 2 -o none
printf '90 1\n100 nan\n' >nan.txt
expect "skymodel: bandpass file nan.txt: weight nan (sample 2, 100 GHz): expected a finite value >= 0" \
    bandpass sample nan.txt --count 2 -o none
printf '90e9 1\n100e9 1\n' >hz.txt
expect "skymodel: bandpass file hz.txt: frequency 9e+10 (sample 1 of 2): frequencies are in GHz (did you give Hz? 90 GHz is 90, not 9e10)" \
    bandpass sample hz.txt --count 2 -o none
printf '90 1\n' >one.txt
expect "skymodel: bandpass file one.txt: 1 frequency: expected at least 2 to sample a bandpass" \
    bandpass sample one.txt --count 2 -o none
[ -e none ] && fail "a failed run made its folder"
# existing files: refused without --force, nothing else written
expect "skymodel: bands/f090_0.txt: file exists: use --force to overwrite it" \
    bandpass sample f090.txt --count 4 --seed 3 -o bands
[ -e bands/f090_3.txt ] && fail "a refused run wrote f090_3.txt"
"$SKY" bandpass sample f090.txt --count 4 --seed 3 -o bands --force -q || fail "--force"
[ -s bands/f090_3.txt ] || fail "--force: f090_3.txt not written"

[ "$fails" = 0 ] && echo "test_bandpass_cli: all passed"
exit "$fails"
