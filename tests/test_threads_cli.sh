#!/bin/sh
# test_threads_cli.sh SKYMODEL TEMPLATES - threads as the program sets them:
# -v says how many and why; with no wait policy in the environment the
# program runs its threads passive (it sets OMP_WAIT_POLICY and runs itself
# again), and one the user set is kept; OMP_NUM_THREADS is honoured and
# --threads wins. An instrument whose small beamed channels are smoothed
# side by side (2 threads) writes the same bytes as one thread.
set -u
SKY=$1
T=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
A="sim -p d1,s1 -n 16 -f 100 -d $T --offline --force -o $W/m.fits -v"
threads_line() { grep '^skymodel: [0-9]* threads* (' "$W/err"; }

env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u KMP_BLOCKTIME -u OMP_NUM_THREADS \
    "$SKY" $A >/dev/null 2>"$W/err" || { echo "FAIL: default run"; cat "$W/err"; fail=1; }
threads_line | grep -q 'OMP_WAIT_POLICY=passive$' || {
    echo "FAIL: not passive by default:"; cat "$W/err"; fail=1; }
threads_line | grep -Eq '^skymodel: [0-9]+ threads? \(([0-9]+ cores?|[0-9]+ of the [0-9]+ cores \(CPU affinity\)|cgroup CPU limit .*)\), ' || {
    echo "FAIL: default count not explained:"; threads_line; fail=1; }

env -u GOMP_SPINCOUNT -u KMP_BLOCKTIME OMP_WAIT_POLICY=active OMP_NUM_THREADS=1 \
    "$SKY" $A >/dev/null 2>"$W/err"
[ "$(threads_line)" = "skymodel: 1 thread (OMP_NUM_THREADS=1), OMP_WAIT_POLICY=active" ] || {
    echo "FAIL: OMP_NUM_THREADS or the user's wait policy not kept:"; threads_line; fail=1; }

env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u KMP_BLOCKTIME OMP_NUM_THREADS=1 \
    "$SKY" $A --threads 2 >/dev/null 2>"$W/err"
[ "$(threads_line)" = "skymodel: 2 threads (--threads), OMP_WAIT_POLICY=passive" ] || {
    echo "FAIL: --threads does not win:"; threads_line; fail=1; }

# side by side: 5 beamed channels at nside 16 (small transforms)
cat > "$W/ins.json" <<'JSON'
{"sky": ["d1", "s1"], "channels": [
 {"name": "a", "freqs_ghz": [30], "fwhm_arcmin": 300},
 {"name": "b", "freqs_ghz": [40], "fwhm_arcmin": 200},
 {"name": "c", "freqs_ghz": [90, 100], "fwhm_arcmin": 150},
 {"name": "d", "freqs_ghz": [150], "fwhm_arcmin": 120},
 {"name": "e", "freqs_ghz": [220], "fwhm_arcmin": 100}]}
JSON
B="sim --instrument $W/ins.json -n 16 -d $T --offline --lsq-maxiter 3"
OMP_NUM_THREADS=2 "$SKY" $B -o "$W/two" >"$W/out2" 2>&1 || { echo "FAIL: 2 threads"; cat "$W/out2"; fail=1; }
"$SKY" $B -o "$W/one" --threads 1 >"$W/out1" 2>&1 || { echo "FAIL: 1 thread"; cat "$W/out1"; fail=1; }
for c in a b c d e; do
    cmp -s "$W/one/$c.fits" "$W/two/$c.fits" || { echo "FAIL: $c.fits differs"; fail=1; }
done
sed "s#$W/two#D#" "$W/out2" > "$W/o2"
sed "s#$W/one#D#" "$W/out1" > "$W/o1"
cmp -s "$W/o1" "$W/o2" || { echo "FAIL: messages differ:"; diff "$W/o1" "$W/o2"; fail=1; }
[ $fail = 0 ] && echo "test_threads_cli: ok"
exit $fail
