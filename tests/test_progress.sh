#!/bin/sh
# test_progress.sh SKYMODEL TEMPLATES - progress lines on a terminal: shown
# while each step runs and wiped when it took under a second, the last
# output line the result; none with -q, none when stderr is not a terminal,
# and an error still one clean line. Uses script(1) for the terminal;
# skipped (77) without it.
set -u
SKY=$1
T=$2
command -v script >/dev/null || { echo "no script(1): skipped"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
A="sim -p d1,s1 -n 32 -f 100 --fwhm 60 -d $T --offline --force"
script -qc "$SKY $A -o $W/a.fits" /dev/null >"$W/tty" 2>&1
grep -q 'skymodel: reading templates (nside 32) \.\.\.' "$W/tty" || { echo "FAIL: no progress line"; fail=1; }
grep -q "$(printf '\r\033\\[K')" "$W/tty" || { echo "FAIL: quick steps not wiped"; fail=1; }
grep -q "wrote $W/a.fits" "$W/tty" || { echo "FAIL: no result line"; fail=1; }
script -qc "$SKY $A -o $W/b.fits -q" /dev/null >"$W/q" 2>&1
[ ! -s "$W/q" ] || { echo "FAIL: -q printed:"; cat -A "$W/q"; fail=1; }
"$SKY" $A -o "$W/c.fits" 2>"$W/err" >/dev/null
[ ! -s "$W/err" ] || { echo "FAIL: progress on a non-terminal stderr:"; cat -A "$W/err"; fail=1; }
script -qc "$SKY sim -p d1 -n 32 -f 100 -d $W --offline -o $W/d.fits" /dev/null >"$W/bad" 2>&1
grep -q "$(printf '\r\033\\[Kskymodel: offline and')" "$W/bad" || {
    echo "FAIL: the error is not on a clean line:"; cat -A "$W/bad"; fail=1; }
[ $fail = 0 ] && echo "test_progress: ok"
exit $fail
