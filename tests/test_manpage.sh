#!/bin/sh
# test_manpage.sh SKYMODEL MANPAGE - the man page keeps up with the program:
# every long option each command's --help lists is in it, and every preset
# `skymodel info` lists is named in it (alone or in a range such as d0-d12).
set -u
SKY=$1
MAN=$2
fails=0
# the page's text with groff's escaped hyphens plain
text=$(sed 's/\\-/-/g' "$MAN")
for cmd in sim smooth fetch templates info plot "bandpass sample"; do
    for opt in $("$SKY" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        case "$text" in
        *"$opt"*) ;;
        *) echo "FAIL: skymodel $cmd $opt is not in the man page"; fails=$((fails + 1)) ;;
        esac
    done
done
for p in $("$SKY" info | awk 'NR > 1 && /^[a-z]+[0-9]+ / { print $1 }'); do
    if ! printf '%s\n' "$text" | awk -v p="$p" '
        BEGIN { match(p, /[0-9]+$/); letter = substr(p, 1, RSTART - 1); n = substr(p, RSTART) + 0 }
        {
            line = $0
            while (match(line, /[a-z]+[0-9]+(-[a-z]+[0-9]+)?/)) {
                tok = substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
                if (tok == p) found = 1
                split(tok, r, "-")
                if (r[2] != "") {
                    match(r[1], /[0-9]+$/); l1 = substr(r[1], 1, RSTART - 1); n1 = substr(r[1], RSTART) + 0
                    match(r[2], /[0-9]+$/); l2 = substr(r[2], 1, RSTART - 1); n2 = substr(r[2], RSTART) + 0
                    if (l1 == letter && l2 == letter && n1 <= n && n <= n2) found = 1
                }
            }
        }
        END { exit !found }'; then
        echo "FAIL: preset $p is not in the man page"
        fails=$((fails + 1))
    fi
done
[ $fails = 0 ] && echo "test_manpage: every option and preset is in the man page"
[ $fails = 0 ]
