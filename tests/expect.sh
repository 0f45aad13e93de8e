# expect.sh - sourced by the command-line message tests (test_messages.sh,
# test_extragalactic.sh), run in a scratch folder with $SKY the program:
#   expect WANT_STDERR_LINE ARGS...
# runs `$SKY ARGS...` and wants exit 2, exactly that one line on stderr and
# no out.fits; otherwise it says what it got and counts a failure in $fails.
fails=${fails:-0}
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
