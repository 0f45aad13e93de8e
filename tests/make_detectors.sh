#!/bin/sh
# make_detectors.sh NDET SEED FWHM OUT [FWHM2 [SKY [NSAMP]]] - an instrument file of NDET
# detectors of one 90 GHz band, each its own bandpass of NSAMP (default 5) samples: centre and
# width shifted by up to 1 GHz, weights with a random ripple (as bench/make_detectors.py makes
# them, without numpy); beam FWHM arcmin, or FWHM2 for the second half of the detectors when
# given (not empty); sky SKY (default d1,s1,f1,a1,c1), unit uK_CMB. Used by
# test_compress.sh and bench/bench_compress.sh.
n=$1 seed=$2 fwhm=$3 out=$4 fwhm2=${5:-} sky=${6:-d1,s1,f1,a1,c1} nsamp=${7:-5}
awk -v n="$n" -v seed="$seed" -v fwhm="$fwhm" -v fwhm2="$fwhm2" -v sky="$sky" -v m="$nsamp" 'BEGIN {
  srand(seed);
  k = split(sky, p, ",");
  printf "{\"description\": \"%d detectors of a 90 GHz band (make_detectors.sh)\",\n \"sky\": [", n;
  for (i = 1; i <= k; i++) printf("%s\"%s\"", (i > 1 ? ", " : ""), p[i]);
  printf "], \"output_unit\": \"uK_CMB\", \"channels\": [\n";
  for (d = 0; d < n; d++) {
    c = 90 + 2 * (rand() - 0.5); w = 20 + 2 * (rand() - 0.5);
    f = (fwhm2 != "" && d >= n / 2) ? fwhm2 : fwhm;
    a = 1 + 2 * rand(); ph = 6 * rand();
    printf "  {\"name\": \"det%03d\", \"fwhm_arcmin\": %s, \"freqs_ghz\": [", d, f;
    for (j = 0; j < m; j++) printf("%s%.6f", (j ? ", " : ""), c - w / 2 + w * j / (m - 1));
    printf "], \"weights\": [";
    for (j = 0; j < m; j++) printf("%s%.6f", (j ? ", " : ""), 1 + 0.1 * sin(2 * 3.14159265 * j / (m - 1) * a + ph));
    printf("]}%s\n", (d < n - 1 ? "," : ""));
  }
  printf "]}\n" }' >"$out"
