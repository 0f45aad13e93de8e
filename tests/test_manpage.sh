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
for cmd in sim smooth fetch templates info plot; do
    for opt in $("$SKY" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        case "$text" in
        *"$opt"*) ;;
        *) echo "FAIL: skymodel $cmd $opt is not in the man page"; fails=$((fails + 1)) ;;
        esac
    done
done
for p in $("$SKY" info | awk 'NR > 1 && /^[a-z][0-9]+ / { print $1 }'); do
    if ! printf '%s\n' "$text" | awk -v p="$p" '
        BEGIN { letter = substr(p, 1, 1); n = substr(p, 2) + 0 }
        {
            line = $0
            while (match(line, /[a-z][0-9]+(-[a-z][0-9]+)?/)) {
                tok = substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
                if (tok == p) found = 1
                split(tok, r, "-")
                if (r[2] != "" && substr(r[1], 1, 1) == letter && substr(r[2], 1, 1) == letter &&
                    substr(r[1], 2) + 0 <= n && n <= substr(r[2], 2) + 0) found = 1
            }
        }
        END { exit !found }'; then
        echo "FAIL: preset $p is not in the man page"
        fails=$((fails + 1))
    fi
done
[ $fails = 0 ] && echo "test_manpage: every option and preset is in the man page"
[ $fails = 0 ]
