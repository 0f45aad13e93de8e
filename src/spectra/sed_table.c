/*
 * sed_table.c - the axes of band-integrated spectra tables (sed_table.h).
 */
#include "sed_table.h"

#include "core/error.h"

int sky_sed_axis_span(sky_sed_axis *a, double h, double lo, double hi, sky_error *err)
{
    if (!isfinite(lo) || !isfinite(hi) || lo > hi)
        return sky_fail(err, SKY_EINVAL, "no finite parameter range");
    const double klo = floor(lo / h) - 2.0, khi = floor(hi / h) + 3.0;
    if (khi - klo + 1.0 > SKY_SED_MAX_NODES)
        return sky_fail(err, SKY_EINVAL, "parameter range [%g, %g] too wide for a table", lo,
                        hi);
    a->h = h;
    a->k0 = (int64_t)klo;
    a->n = (int)(khi - klo) + 1;
    return SKY_OK;
}
