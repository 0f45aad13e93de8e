/*
 * band_check.h - fuzz_check_band (see fuzz.h), for the targets that read
 * bands: a band the library accepts must integrate to finite numbers.
 */
#ifndef SKY_FUZZ_BAND_CHECK_H
#define SKY_FUZZ_BAND_CHECK_H

#include <math.h>

#include "fuzz.h"
#include "spectra/bandpass.h"
#include "spectra/units.h"

static inline void fuzz_check_band(const sky_band *band)
{
    sky_error err = {0};
    sky_bandq q;
    int rc = sky_bandq_prepare(band, &q, &err);
    fuzz_check(rc, &err);
    if (rc)
        return;
    int ok = isfinite(q.cmb_to_rj);
    for (int i = 0; i < q.n; i++)
        ok = ok && isfinite(q.coef[i]) && isfinite(q.ln_freq[i]);
    sky_unit rj, cmb, jy;
    if (sky_unit_parse("uK_RJ", &rj, &err) || sky_unit_parse("uK_CMB", &cmb, &err) ||
        sky_unit_parse("MJy/sr", &jy, &err))
        abort();
    ok = ok && isfinite(sky_band_unit_factor(band, &rj, &cmb)) &&
         isfinite(sky_band_unit_factor(band, &rj, &jy));
    sky_bandq_free(&q);
    if (!ok) {
        fprintf(stderr, "fuzz: a band of %d frequencies (%g .. %g GHz) passed sky_band_check "
                "but integrates to NaN or infinity\n", band->n, band->freq_ghz[0],
                band->freq_ghz[band->n - 1]);
        abort();
    }
}

#endif
