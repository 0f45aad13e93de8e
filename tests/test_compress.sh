#!/bin/sh
# test_compress.sh SKYMODEL TEMPLATE_DIR MAPS_COMPARE - compressed channel groups from the
# command line (issue 22):
# - 100 detectors of randomly perturbed bandpasses sharing a beam (d1,s1,f1,a1,c1): every
#   channel within 1e-5 of its RMS (I, Q, U) of the --no-compress map; also with a rotation
#   and a lower output nside;
# - a channel alone with its beam: today's path, the same file byte for byte;
# - two beams: two groups, each within 1e-5;
# - d1 with rg2 (painted sources added per channel) within 1e-5; rg2 alone: per channel;
# - --basis-out: the basis maps and coefficients written; with --basis-only the same basis
#   and no map of a compressed channel (a channel alone still written);
# - bad --compress-tol, --basis-out without --instrument, --basis-only without --basis-out: one line, exit 2, nothing written.
set -u
SKY=$1
TMPL=$2
CMP=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

RUN="sim -n 16 -d $TMPL --offline -q --dtype float64"
N=${TEST_COMPRESS_NDET:-100} # fewer under the sanitizers (tests/CMakeLists.txt)
sh "$HERE/make_detectors.sh" "$N" 7 120 det100.json
sh "$HERE/make_detectors.sh" 24 8 120 two.json 60
sh "$HERE/make_detectors.sh" 12 9 120 single.json
# det011 gets a beam of its own: a group of one
sed 's/"name": "det011", "fwhm_arcmin": 120/"name": "det011", "fwhm_arcmin": 90/' single.json >one.json
grep -q '"det011", "fwhm_arcmin": 90' one.json || fail "one.json: det011's beam not changed"

# compare A B: every map of folder A within 1e-5 of B's
compare() {
    a=$1 b=$2 what=$3
    set --
    for f in "$a"/*.fits; do
        set -- "$@" "$f" "$b/$(basename "$f")"
    done
    "$CMP" 1e-5 "$@" >cmp.log 2>&1 || fail "$what: $(head -3 cmp.log)"
}

"$SKY" $RUN -i det100.json -o plain --no-compress || fail "100 detectors --no-compress"
"$SKY" $RUN -i det100.json -o comp -v 2>log >/dev/null || fail "100 detectors compressed"
grep -q "group 1 ($N channels from det000): K_I" log || fail "no group report: $(cat log)"
[ "$(ls comp | wc -l)" = "$N" ] || fail "compressed: $(ls comp | wc -l) maps, not $N"
compare plain comp "100 detectors"
# the comparison is not vacuous: the maps differ (by the solves' and the compression's 1e-7s)
"$CMP" 1e-12 plain/det000.fits comp/det000.fits 2>/dev/null && fail "compressed map identical to --no-compress's"

"$SKY" $RUN -i det100.json -o plain_r --no-compress --rotate G:C --out-nside 8 ||
    fail "rotated --no-compress"
"$SKY" $RUN -i det100.json -o comp_r --rotate G:C --out-nside 8 || fail "rotated compressed"
compare plain_r comp_r "100 detectors, rotated, nside 8"

"$SKY" $RUN -i one.json -o one_c -v 2>log >/dev/null || fail "a group of one"
"$SKY" $RUN -i one.json -o one_n --no-compress || fail "a group of one, --no-compress"
cmp -s one_c/det011.fits one_n/det011.fits || fail "a group of one: not today's file"
grep -q "group 1 (11 channels" log || fail "one.json: no group of 11: $(cat log)"
compare one_n one_c "11 detectors and one alone"

"$SKY" $RUN -i two.json -o two_c -v 2>log >/dev/null || fail "two beams"
"$SKY" $RUN -i two.json -o two_n --no-compress || fail "two beams, --no-compress"
grep -q "group 1 (12 channels from det000)" log && grep -q "group 2 (12 channels from det012)" log ||
    fail "two beams: not two groups of 12: $(cat log)"
compare two_n two_c "two beams"

# components that apply the beam themselves (rg2's painted sources) are added per channel
sh "$HERE/make_detectors.sh" 12 5 90 rg.json "" d1,rg2
"$SKY" $RUN -i rg.json -o rg_c || fail "d1,rg2 compressed"
"$SKY" $RUN -i rg.json -o rg_n --no-compress || fail "d1,rg2 --no-compress"
compare rg_n rg_c "d1,rg2"
# a sky of such components only: zero before smoothing, each channel on its own
sh "$HERE/make_detectors.sh" 4 5 90 rgo.json "" rg2
"$SKY" $RUN -i rgo.json -o rgo_c -v 2>log >/dev/null || fail "rg2 alone"
grep -q "not compressed, each channel smoothed on its own: the channels' maps before smoothing are zero" log ||
    fail "rg2 alone: $(cat log)"
"$SKY" $RUN -i rgo.json -o rgo_n --no-compress || fail "rg2 alone, --no-compress"
for f in rgo_n/*.fits; do cmp -s "$f" "rgo_c/$(basename "$f")" || fail "rg2 alone: $f differs"; done

"$SKY" $RUN -i two.json -o two_b --basis-out basis --car-resol 300 || fail "--basis-out"
for g in 1 2; do
    [ -s basis/group$g.json ] || fail "--basis-out: no group$g.json"
    [ -s basis/group${g}_basis0.fits ] && [ -s basis/group${g}_basis0_car.fits ] ||
        fail "--basis-out: no group$g basis 0 maps"
    grep -q '"name": "det0' basis/group$g.json || fail "group$g.json: no channel"
done
[ -e basis/group1.json.tmp ] && fail "--basis-out: a temporary file left"
# --basis-only: the same basis files, no channel map of a compressed group; a
# channel alone with its beam (one.json's det011) still has its map
"$SKY" $RUN -i two.json -o two_o --basis-out basis_o --basis-only --car-resol 300 ||
    fail "--basis-only"
for f in basis/*.fits; do
    case $f in
    *_car.fits) [ -s "basis_o/$(basename "$f")" ] || fail "--basis-only: no $f" ;;
    *) "$CMP" 0 "$f" "basis_o/$(basename "$f")" >/dev/null || fail "--basis-only: $f differs" ;;
    esac
done
cmp -s basis/group1.json basis_o/group1.json || fail "--basis-only: group1.json differs"
ls two_o/*.fits >/dev/null 2>&1 && fail "--basis-only: channel maps written: $(ls two_o)"
"$SKY" $RUN -i one.json -o one_o --basis-out basis_1 --basis-only || fail "--basis-only, one.json"
[ -s one_o/det011.fits ] || fail "--basis-only: the channel alone (det011) has no map"
[ "$(ls one_o)" = det011.fits ] || fail "--basis-only: maps of compressed channels: $(ls one_o)"

TOLMSG="expected a positive number (the largest reconstruction error over a channel's RMS, e.g. 1e-6)"
for v in 0 -1 nan abc inf 1e-6x; do
    expect "skymodel: --compress-tol '$v': $TOLMSG" $RUN -i det100.json -o out.fits --compress-tol=$v
done
expect "skymodel: --basis-out needs --instrument (the basis of the instrument's channels that share a beam)" \
    $RUN -p d1 -f 100 -o out.fits --basis-out b2
expect "skymodel: --basis-out cannot be used with --no-compress" \
    $RUN -i det100.json -o out.fits --basis-out b2 --no-compress
expect "skymodel: --basis-only needs --basis-out DIR (the compressed channels' basis and coefficients are their only output)" \
    $RUN -i det100.json -o out.fits --basis-only
expect "skymodel: --basis-only: the sky has components that apply the beam themselves (rg2, rg3), which no basis holds: the channels' maps are needed" \
    $RUN -i rg.json -o rg_o --basis-out b2 --basis-only
[ -e b2 ] && fail "b2 made by a failed run"
[ -e rg_o ] && fail "rg_o made by a failed run"

[ $fails = 0 ] && echo "test_compress.sh: all checks passed"
exit $fails
