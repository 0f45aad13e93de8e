# expect.sh - sourced by the command-line tests (test_messages.sh,
# test_extragalactic.sh, test_interpolating.sh, test_catalog.sh,
# test_bandpass_cli.sh) with $SKY the program: makes a scratch folder $D,
# removed at exit, and goes there;
#   fail MESSAGE...
# says FAIL: MESSAGE and counts a failure in $fails;
#   expect WANT_STDERR_LINE ARGS...
# runs `$SKY ARGS...` and wants exit 2, exactly that one line on stderr and
# no out.fits; otherwise it says what it got and counts a failure in $fails.
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D" || exit 1
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
expect() {
    want=$1
    shift
    rm -f out.fits
    "$SKY" "$@" >stdout 2>stderr </dev/null
    rc=$?
    got=$(cat stderr)
    lines=$(wc -l <stderr)
    if [ "$rc" != 2 ] || [ "$lines" != 1 ] || [ "$got" != "$want" ] || [ -e out.fits ]; then
        echo "FAIL: skymodel $*"
        echo "  exit $rc (want 2), $lines stderr line(s), out.fits $( [ -e out.fits ] && echo written || echo absent)"
        echo "  got:  $got"
        echo "  want: $want"
        fails=$((fails + 1))
    fi
}
