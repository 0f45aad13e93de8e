#!/bin/sh
# test_parsers_cli.sh SKYMODEL TEMPLATES - the program against hostile input
# files and strings (issue 17, findings of the fuzz campaign F1-F10, F13):
# each case must exit 2 at once with exactly one line on stderr naming the
# problem, and leave no output. The FITS files are written here by hand,
# 80-character cards in 2880-byte blocks, to declare what no real file does.
# The library-level cases (and more variants) are in test_parsers.c.
set -u
B=$1
TPL=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/skymodel_parsers_cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0

# ---- raw FITS ----------------------------------------------------------
card() { printf '%-80.80s' "$1" >> "$F"; }
kv() { # strings from column 11, numbers right-aligned to column 30
    case $2 in
    \'*) card "$(printf '%-8s= %s' "$1" "$2")" ;;
    *) card "$(printf '%-8s= %20s' "$1" "$2")" ;;
    esac
}
# END, then blanks to the end of the 2880-byte block
endpad() {
    card END
    n=$(wc -c < "$F")
    r=$(( (2880 - n % 2880) % 2880 ))
    if [ "$r" -gt 0 ]; then printf "%${r}s" '' >> "$F"; fi
}
# $1 bytes of zero data, padded to whole blocks
zeros() {
    n=$(wc -c < "$F")
    truncate -s $(( n + ($1 + 2879) / 2880 * 2880 )) "$F"
}
primary() {
    F=$1
    : > "$F"
    kv SIMPLE T
    kv BITPIX 8
    kv NAXIS 0
    kv EXTEND T
    endpad
}
# bintable NAXIS1 NAXIS2 NCOLS TFORM [TTYPE1-value]
bintable() {
    kv XTENSION "'BINTABLE'"
    kv BITPIX 8
    kv NAXIS 2
    kv NAXIS1 "$1"
    kv NAXIS2 "$2"
    kv PCOUNT 0
    kv GCOUNT 1
    kv TFIELDS "$3"
    i=1
    while [ "$i" -le "$3" ]; do
        if [ "$i" -eq 1 ] && [ $# -ge 5 ]; then
            card "TTYPE1  = $5"
        else
            kv "TTYPE$i" "'C$i'"
        fi
        kv "TFORM$i" "'$4'"
        i=$((i + 1))
    done
}

X70=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
mkdir -p "$T/hostile"
# F1: 28.8 KB, 2^50 rows of two 1024B columns
primary "$T/hostile/f1.fits"; bintable 2048 1125899906842624 2 1024B; endpad; zeros 23040
# F2: 2^61 rows of three 1B columns, as an alm file
primary "$T/hostile/f2.fits"; bintable 3 2305843009213693952 3 1B; endpad; zeros 2880
# F7: TTYPE1 = 70 unquoted characters, a beam window and a map
primary "$T/hostile/f7.fits"; bintable 8 4 1 1D "$X70"; endpad; zeros 32
primary "$T/hostile/f7map.fits"; bintable 4 768 1 1E "$X70"; kv PIXTYPE "'HEALPIX'"
kv ORDERING "'RING'"; kv NSIDE 8; endpad; zeros 3072
gzip -c "$T/hostile/f7map.fits" > "$T/hostile/f7map.fits.gz"
# F10: an 8.6 KB map declaring 805306368 pixels (nside 8192)
primary "$T/hostile/f10.fits"; bintable 4 805306368 1 1E; kv PIXTYPE "'HEALPIX'"
kv ORDERING "'RING'"; kv NSIDE 8192; endpad; zeros 2880

# ---- the checks --------------------------------------------------------
# expect NAME TEXT OUTPUT COMMAND...: exit 2, one line on stderr holding
# TEXT, OUTPUT not made
expect() {
    name=$1 want=$2 out=$3
    shift 3
    timeout 60 "$@" > "$T/stdout" 2> "$T/stderr"
    code=$?
    lines=$(wc -l < "$T/stderr")
    left=absent
    [ -e "$out" ] && left=made
    if [ "$code" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$want" "$T/stderr" &&
        [ "$left" = absent ]; then
        echo "ok   $name"
    else
        echo "FAIL $name: exit $code, $lines line(s) on stderr, output $left; expected '$want' in:"
        head -c 600 "$T/stderr"
        echo
        fail=1
    fi
    rm -rf "$out"
}

O=$T/out.fits
SIM="$B sim -q --nside 8 --freq 30 --data-dir $TPL"
$SIM --preset f1 -o "$T/map.fits" || { echo "cannot make a map"; exit 1; }

# a d11 realisation config with one file replaced by a hostile one
d11() {
    sed "s|^$1 = .*|$1 = \"hostile/$2\"|" "$(dirname "$0")/data/realization/d11.toml" > "$T/d11.toml"
    echo "$T/d11.toml"
}
REAL="$B sim -q --nside 8 --freq 100 --data-dir $T --data-dir $TPL --offline"

expect f1_sim_beam_window "f1.fits: truncated file: the extension 1 declares 2305843009213693952 bytes" "$O" \
    $SIM --preset f1 --beam-window "$T/hostile/f1.fits" -o "$O"
expect f1_smooth_beam_window "f1.fits: truncated file" "$O" \
    $B smooth -q "$T/map.fits" --beam-window "$T/hostile/f1.fits" -o "$O"
expect f1_small_scale_cl "f1.fits: truncated file" "$O" \
    $REAL --config "$(d11 small_scale_cl f1.fits)" -o "$O"
cat > "$T/hostile/inst_bw.json" <<EOF
{"sky": ["f1"], "channels": [{"name": "a", "freqs_ghz": [30], "beam_window": "f1.fits"}]}
EOF
expect f1_instrument_beam_window "f1.fits: truncated file" "$T/inst_out" \
    $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/hostile/inst_bw.json" -o "$T/inst_out"
expect f2_modulation_alm "f2.fits: truncated file: the extension 1 declares 6917529027641081856 bytes" "$O" \
    $REAL --config "$(d11 amplitude_modulation_temp_alm f2.fits)" -o "$O"
expect f7_beam_window "f7.fits: malformed header: card 9 of the extension 1 (TTYPE1) has an unquoted value of 70 characters" "$O" \
    $SIM --preset f1 --beam-window "$T/hostile/f7.fits" -o "$O"
expect f7_smooth_map "f7map.fits: malformed header" "$O" $B smooth -q "$T/hostile/f7map.fits" --fwhm 60 -o "$O"
expect f7_smooth_map_gz "f7map.fits.gz: malformed header" "$O" \
    $B smooth -q "$T/hostile/f7map.fits.gz" --fwhm 60 -o "$O"
expect f7_plot_map "f7map.fits: malformed header" "$T/out.png" $B plot "$T/hostile/f7map.fits" -o "$T/out.png"
expect f10_smooth_map "f10.fits: truncated file: the extension 1 declares 3221225472 bytes" "$O" \
    $B smooth -q "$T/hostile/f10.fits" --fwhm 60 -o "$O"

# F3-F6: TOML
python_free_repeat() { # $1 repeated $2 times
    awk -v s="$1" -v n="$2" 'BEGIN { while (n-- > 0) printf "%s", s }'
}
printf '[%s.%s.%s]\nclass = "x"\n' "$(python_free_repeat a 199)" "$(python_free_repeat b 199)" \
    "$(python_free_repeat c 199)" > "$T/f3.toml"
{ printf '[a]\nk = '; python_free_repeat '[' 100000; echo; } > "$T/f4.toml"
printf '[a]\nk="\\' > "$T/f5.toml"
expect f3_info_config "f3.toml:1: table name longer than 255 characters" "$O" $B info --config "$T/f3.toml"
expect f3_sim_config "f3.toml:1: table name longer than 255 characters" "$O" \
    $SIM --config "$T/f3.toml" -o "$O"
expect f4_sim_config "f4.toml:2: arrays or inline tables nested more than 128 deep" "$O" \
    $SIM --config "$T/f4.toml" -o "$O"
expect f5_info_config "f5.toml:2: unterminated string" "$O" $B info --config "$T/f5.toml"
# (a NaN is caught earlier, by the parameter check of the config layer)
for vs in "1e10:component d: available_nside 10000000000: expected a list of powers of two" \
    "nan:f6.toml:8: [d] available_nside = nan: expected a finite number" \
    "1e300:component d: available_nside 1.0000000000000001e+300: expected a list of powers of two"; do
    v=${vs%%:*} shown=${vs#*:}
    printf '[d]\nclass = "PowerLaw"\nmap_I = "pysm_2/ff_t_new.fits"\nunit_I = "uK_RJ"\nmap_pl_index = -2.14\nfreq_ref_I = "30 GHz"\nhas_polarization = false\navailable_nside = %s\n' "$v" > "$T/f6.toml"
    expect "f6_available_nside_$v" "$shown" \
        "$O" $SIM --config "$T/f6.toml" -o "$O"
done

# F8: devices, folders, caps
printf '{"sky": ["f1"], "channels": [{"name": "a", "bandpass_file": "/dev/zero"}]}' > "$T/inst_zero.json"
expect f8_config_dev_zero "/dev/zero: a NUL byte at offset 0" "$O" $SIM --preset f1 --config /dev/zero -o "$O"
expect f8_info_config_dev_zero "/dev/zero: a NUL byte at offset 0" "$O" $B info --config /dev/zero
expect f8_config_directory "$T: is a directory" "$O" $SIM --preset f1 --config "$T" -o "$O"
expect f8_beam_window_dev_zero "beam window /dev/zero:1: a NUL byte" "$O" \
    $SIM --preset f1 --beam-window /dev/zero -o "$O"
expect f8_beam_window_directory "is a directory" "$O" $SIM --preset f1 --beam-window "$T" -o "$O"
expect f8_bandpass_dev_zero "bandpass file /dev/zero:1: a NUL byte" "$O" \
    $B sim -q --nside 8 --data-dir "$TPL" --preset f1 --bandpass /dev/zero -o "$O"
expect f8_bandpass_directory "is a directory" "$O" \
    $B sim -q --nside 8 --data-dir "$TPL" --preset f1 --bandpass "$T" -o "$O"
expect f8_instrument_bandpass_dev_zero "a NUL byte" "$T/inst_out" \
    $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/inst_zero.json" -o "$T/inst_out"
expect f8_instrument_dev_zero "instrument file /dev/zero: a NUL byte" "$T/inst_out" \
    $B sim -q --nside 8 --data-dir "$TPL" --instrument /dev/zero -o "$T/inst_out"
expect f8_instrument_directory "is a directory" "$T/inst_out" \
    $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T" -o "$T/inst_out"
expect f8_smooth_directory "is a directory" "$O" $B smooth -q "$T" --fwhm 60 -o "$O"

# F9: 2000 channels of 100,000 points from 150 KB of JSON
{
    printf '{"sky": ["f1"], "channels": ['
    i=0
    while [ $i -lt 2000 ]; do
        [ $i -gt 0 ] && printf ','
        printf '{"name": "c%d", "band_low_GHz": 10, "band_high_GHz": 20, "npoints": 100000}' $i
        i=$((i + 1))
    done
    printf ']}\n'
} > "$T/f9.json"
expect f9_instrument_total_samples "channels[10]: the bands of channels[0..10] hold 1100000 frequencies: at most 1000000 in all" \
    "$T/inst_out" $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/f9.json" -o "$T/inst_out"

# F13: what is echoed stays on one line; channel names are file names
NL='
'
expect f13_unit_newline "uK\\nCMB" "$O" $SIM --preset f1 --unit "uK${NL}CMB" -o "$O"
expect f13_command_newline "unknown command 'x\\ny'" "$O" $B "x${NL}y"
printf '[d]\n"a\\nb" = 1\n"a\\nb" = 2\n' > "$T/f13.toml"
expect f13_toml_key_newline "key 'a\\nb' given twice in [d]" "$O" $B info --config "$T/f13.toml"
for tagged in newline:'a\nb' slash:a/b empty: dash:-a space:'a b' dots:.. accent:'a\u00e9' \
    tab:'a\tb' long:$X70$X70$X70; do
    tag=${tagged%%:*} name=${tagged#*:}
    printf '{"sky": ["f1"], "channels": [{"name": "%s", "freqs_ghz": [30]}]}' "$name" > "$T/f13.json"
    if [ -z "$name" ]; then want="channels[0].name: expected a non-empty string"; else
        want="expected a file name of at most 200 letters, digits and . _ + -"; fi
    expect "f13_channel_name_$tag" "$want" "$T/inst_out" \
        $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/f13.json" -o "$T/inst_out"
done
# the portable names are still fine
printf '{"sky": ["f1"], "channels": [{"name": "LFT_40.5+b-1", "freqs_ghz": [30]}]}' > "$T/ok.json"
if $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/ok.json" -o "$T/inst_ok" &&
    [ -f "$T/inst_ok/LFT_40.5+b-1.fits" ]; then
    echo "ok   f13_channel_name_portable"
else
    echo "FAIL f13_channel_name_portable"
    fail=1
fi

# N4: weights whose integral overflows (a NaN map with exit 0 before)
N4="bandpass weights integrate to inf over the band: expected a finite integral"
expect n4_weights_1e308 "--freqs: $N4" "$O" \
    $B sim -q --nside 8 --data-dir "$TPL" --preset f1 --freqs 90,100,110 \
    --weights 1e308,1e308,1e308 -o "$O"
expect n4_bandpass_file_1e308 "bandpass file fuzz/regress/text_table/n4_weights_1e308.txt: $N4" \
    "$O" $B sim -q --nside 8 --data-dir "$TPL" --preset f1 \
    --bandpass fuzz/regress/text_table/n4_weights_1e308.txt -o "$O"

# N2, N3, N5: FITS files cfitsio mishandles, refused before it reads them
expect n2_smooth_nonprintable_card "cfitsio_nonprintable_card_for_tfields.fits: malformed header: card 8 of the extension 1 has the byte 0x19 in column 1" \
    "$O" $B smooth fuzz/regress/fits_map/cfitsio_nonprintable_card_for_tfields.fits --fwhm 60 -o "$O"
expect n3_smooth_tfields "TFIELDS = '20000000' (card 8 of the extension 1): expected 0 to 999 columns" \
    "$O" $B smooth fuzz/regress/fits_map/cfitsio_tfields_20000000.fits --fwhm 60 -o "$O"
expect n5_smooth_gzip_header "cfitsio_gzip_isize_3gb.fits.gz: truncated gzip file: expected a whole gzip-compressed FITS file" \
    "$O" $B smooth fuzz/regress/fits_map/cfitsio_gzip_isize_3gb.fits.gz --fwhm 60 -o "$O"

# F13: a carriage return echoed anywhere stays escaped on its line
CR=$(printf '\r')
expect f13_unit_cr "unit 'uK\\rCMB' not recognised" "$O" $SIM --preset f1 --unit "uK${CR}CMB" -o "$O"
expect f13_option_cr "unknown option '--fr\\req'" "$O" $SIM --preset f1 "--fr${CR}eq" 30 -o "$O"
printf '{"sky": ["f1"], "channels": [{"name": "a", "freqs_ghz": [30], "be\\ram": 1}]}' > "$T/cr.json"
expect f13_json_key_cr "channels[0] has unknown key 'be\\ram'" "$T/inst_out" \
    $B sim -q --nside 8 --data-dir "$TPL" --instrument "$T/cr.json" -o "$T/inst_out"
printf '[dx]\nclass = "Modified\\rBlackBody"\n' > "$T/cr.toml"
$B info --config "$T/cr.toml" > "$T/stdout" 2>&1
if grep -qF 'Modified\rBlackBody' "$T/stdout" && ! grep -q "$CR" "$T/stdout"; then
    echo "ok   f13_info_class_cr"
else
    echo "FAIL f13_info_class_cr: $(od -c "$T/stdout" | head -5)"
    fail=1
fi
$B sim --nside 8 --freq 30 --data-dir "$TPL" --preset f1 -o "$T/a${CR}b.fits" > "$T/stdout" 2>&1
if [ "$(cat "$T/stdout")" = "wrote $T/a\\rb.fits (nside 8, f1, uK_RJ)" ]; then
    echo "ok   f13_wrote_cr"
else
    echo "FAIL f13_wrote_cr: $(od -c "$T/stdout" | head -5)"
    fail=1
fi

exit $fail
