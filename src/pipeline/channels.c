/*
 * channels.c - the evaluation half of a simulation's pipeline (skymodel.h,
 * "Channels"): a list of channels evaluated over the pixels a sky holds.
 *
 * Every block of a channel's map that the library computes for a shell (the
 * CLI's files, streamed or whole; the Python module's arrays) comes out of
 * sky_channels_range, and passes there through block_step before anyone
 * smooths, writes or returns it. A change to what a channel's map is
 * (a scale, an offset) is made in block_step alone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "skymodel.h"
#include "sky_eval.h"

void sky_channel_init(sky_channel *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->unit = "uK_RJ";
    ch->scale = 1.0;
    ch->dtype = SKY_FLOAT32;
}

/* What becomes of each computed block of channel `ch`: `count` pixels from
 * `first`, I, Q and U at iqu, iqu + stride, iqu + 2 stride. */
static int block_step(const sky_channel *ch, int index, int64_t first, int64_t count,
                      double *iqu, int64_t stride, sky_error *err)
{
    if (ch->scale != 1.0)
        for (int s = 0; s < 3; s++)
            for (int64_t i = 0; i < count; i++)
                iqu[s * stride + i] *= ch->scale;
    if (ch->block_hook)
        return ch->block_hook(ch->block_ctx, index, first, count, iqu, stride, err);
    return SKY_OK;
}

int sky_channels_range(const sky_sky *sky, int nchan, const sky_channel *chans, int64_t first,
                       int64_t count, double *const *out, sky_error *err)
{
    return sky_channels_range_strided(sky, nchan, chans, first, count, out, count, err);
}

int sky_channels_prepare(const sky_sky *sky, int nchan, const sky_channel *chans,
                         sky_bands **out, sky_error *err)
{
    *out = NULL;
    if (!chans || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_channels: NULL argument or no channel");
    sky_band one_band;
    const char *one_unit;
    sky_band *bands = nchan == 1 ? &one_band : malloc((size_t)nchan * sizeof *bands);
    const char **units = nchan == 1 ? &one_unit : malloc((size_t)nchan * sizeof *units);
    int rc = bands && units ? SKY_OK : sky_nomem(err, "the channel list");
    for (int c = 0; c < nchan && !rc; c++) /* a channel not from sky_channel_init */
        if (!(chans[c].scale != 0) || !isfinite(chans[c].scale))
            rc = sky_fail(err, SKY_EINVAL, "channel %d: scale %g: expected a finite number "
                          "other than 0 (start from sky_channel_init)", c, chans[c].scale);
    for (int c = 0; c < nchan && !rc; c++) {
        bands[c] = chans[c].band;
        units[c] = chans[c].unit ? chans[c].unit : "uK_RJ";
    }
    /* a smoothed channel leaves out the components that smooth themselves:
     * sky_channel_smooth_map adds them after the pipeline's smoothing */
    int one_smoothed;
    int *smoothed = nchan == 1 ? &one_smoothed : malloc((size_t)nchan * sizeof *smoothed);
    if (!rc && !smoothed)
        rc = sky_nomem(err, "the channel list");
    for (int c = 0; c < nchan && !rc; c++)
        smoothed[c] = chans[c].smooth != NULL;
    if (!rc)
        rc = sky_bands_prepare_smoothed(sky, nchan, bands, units, smoothed, out, err);
    if (nchan > 1)
        free(smoothed);
    if (nchan > 1) {
        free(bands);
        free(units);
    }
    return rc;
}

int sky_channels_range_prepared(const sky_bands *prepared, int nchan, const sky_channel *chans,
                                int64_t first, int64_t count, double *const *out,
                                int64_t stride, sky_error *err)
{
    int rc = sky_bands_emission(prepared, first, count, out, stride, err);
    for (int c = 0; c < nchan && !rc; c++)
        rc = block_step(&chans[c], c, first, count, out[c], stride, err);
    return rc;
}

int sky_channels_range_strided(const sky_sky *sky, int nchan, const sky_channel *chans,
                               int64_t first, int64_t count, double *const *out, int64_t stride,
                               sky_error *err)
{
    sky_bands *b;
    int rc = sky_channels_prepare(sky, nchan, chans, &b, err);
    if (!rc)
        rc = sky_channels_range_prepared(b, nchan, chans, first, count, out, stride, err);
    sky_bands_free(b);
    return rc;
}

int64_t sky_held_npix(const sky_sky *sky)
{
    int64_t first[2], count[2], n = 0;
    const int nseg = sky_part_ranges(sky, first, count);
    for (int s = 0; s < nseg; s++)
        n += count[s];
    return n;
}

int sky_channels_evaluate(const sky_sky *sky, int nchan, const sky_channel *chans,
                          double *const *out, sky_error *err)
{
    if (!sky || !out || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_channels: NULL argument or no channel");
    int64_t first[2], count[2];
    const int nseg = sky_part_ranges(sky, first, count);
    const int64_t nloc = sky_held_npix(sky);
    /* each range (a part and its mirror) in place, its I, Q and U rows nloc
     * apart, the ranges back to back */
    double **at = malloc((size_t)nchan * sizeof *at);
    sky_bands *b = NULL;
    int rc = at ? sky_channels_prepare(sky, nchan, chans, &b, err)
                : sky_nomem(err, "the channel list");
    int64_t off = 0;
    for (int s = 0; s < nseg && !rc; off += count[s++]) {
        for (int c = 0; c < nchan; c++)
            at[c] = out[c] + off;
        rc = sky_channels_range_prepared(b, nchan, chans, first[s], count[s], at, nloc, err);
    }
    sky_bands_free(b);
    free(at);
    return rc;
}
