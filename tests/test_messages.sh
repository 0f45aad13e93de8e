#!/bin/sh
# test_messages.sh SKYMODEL TEMPLATE_DIR - the messages that help a user who
# mistyped (issue 17, section 5), from the command line: each bad input
# exits 2 with exactly one line on stderr, word for word, and writes nothing.
set -u
SKY=$1
TMPL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/expect.sh" # the scratch folder $D; fail MESSAGE; expect WANT_STDERR_LINE ARGS...

SIM="sim --nside 8 --freq 100 -d $TMPL --offline -o out.fits"

expect "skymodel: unit 'uK_cmb' not recognised: did you mean uK_CMB?" $SIM --preset d1 --unit uK_cmb
expect "skymodel: unit 'K' is ambiguous: did you mean K_RJ or K_CMB?" $SIM --preset d1 --unit K
expect "skymodel: unknown preset 'D1' (did you mean d1?)" $SIM --preset D1
expect "skymodel: unknown preset 'D1' (did you mean d1?)" info D1

head='# dust as d0
[dust]
class = "ModifiedBlackBody"
map_I = "pysm_2/dust_t_new.fits"
map_Q = "pysm_2/dust_q_new.fits"
map_U = "pysm_2/dust_u_new.fits"'
refs='freq_ref_I = "545 GHz"
freq_ref_P = "353 GHz"'

# the typo, and so no map_mbb_index: the unknown key is what is reported
printf '%s\nmap_mbb_indx = 1.54\n%s\nmap_mbb_temperature = 20\nunit_mbb_temperature = "K"\n' \
    "$head" "$refs" >cfg.toml
typo="skymodel: cfg.toml:7: [dust] map_mbb_indx: unknown parameter of ModifiedBlackBody (did you mean map_mbb_index?)"
expect "$typo" $SIM --config cfg.toml
# info --config checks the parameters as sim does and reports the same
expect "$typo" info --config cfg.toml
grep -q "^dust .*ModifiedBlackBody .*invalid parameters" stdout ||
    { echo "FAIL: info --config does not list dust as invalid:"; cat stdout; fails=$((fails + 1)); }

printf '%s\nmap_mbb_index = 1.54\n%s\nmap_mbb_temperature = 20\n' "$head" "$refs" >cfg.toml
expect "skymodel: cfg.toml:10: [dust] map_mbb_temperature = 20 has no unit: add unit_mbb_temperature = \"K\"" \
    $SIM --config cfg.toml

printf '[dust]\nclass = "ModifiedBlackbody"\n' >cfg.toml
expect "skymodel: cfg.toml:2: component dust: model class 'ModifiedBlackbody' is not implemented (did you mean ModifiedBlackBody?)" \
    $SIM --config cfg.toml

printf '%s\nmap_mbb_index = 1.54\n%s\nmap_mbb_temperature = 20\nunit_mbb_temperature = "K"\nunit_I = "uk_rj"\n' \
    "$head" "$refs" >cfg.toml
expect "skymodel: cfg.toml:12: [dust] unit_I: unit 'uk_rj' not recognised: did you mean uK_RJ?" \
    $SIM --config cfg.toml

# an error found while the component loads: its table's file:line
printf '[layers]\nclass = "ModifiedBlackBodyLayers"\nmap_layers = "pysm_2/lensed_cmb.fits"\nfreq_ref = "353 GHz"\nmap_mbb_index = 1.5\nmap_mbb_temperature = 20\nunit_mbb_temperature = "K"\nnum_layers = 100\n' >cfg.toml
expect "skymodel: cfg.toml:1: component layers: num_layers = 100: expected an integer from 1 to 64" \
    $SIM --config cfg.toml

# a valid file: info says implemented, exit 0
printf '%s\nmap_mbb_index = 1.54\n%s\nmap_mbb_temperature = 20\nunit_mbb_temperature = "K"\n' \
    "$head" "$refs" >cfg.toml
if ! "$SKY" info --config cfg.toml >stdout 2>stderr || ! grep -q "^dust .* implemented" stdout || [ -s stderr ]; then
    echo "FAIL: info --config on a valid file:"; cat stdout stderr; fails=$((fails + 1))
fi

[ $fails = 0 ] && echo "test_messages_cli: all messages as expected"
[ $fails = 0 ]
