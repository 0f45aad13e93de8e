/*
 * synth_hires.c - the high-resolution presets' per-nside maps of the
 * synthetic templates: dust_gnilc/ (d9, d10), synch/ (s4, s5, s7) and
 * mkd_dust/ (d12's layers).
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"

/* The fields of the high-resolution files, at gen_nside (keep_low): each
 * file's pixel p takes them at its parent q, so that files of any nside are
 * written in chunks. */
typedef struct hires {
    double *gi, *gb, *gt, *si, *sb, *sc;
    pol dp, sp;
    int layer; /* d12's layer, 1-6 */
} hires;

static double dust_beta(const hires *h, int64_t q)
{
    return clamp(1.54 + 0.08 * h->gb[q], 1.2, 1.9);
}

static double dust_temp(const hires *h, int64_t q)
{
    return clamp(20.0 + 1.8 * h->gt[q], 14.0, 27.0);
}

static double synch_beta(const hires *h, int64_t q)
{
    return clamp(-3.0 + 0.1 * h->sb[q], -3.4, -2.6);
}

/* I, Q, U from an intensity and a polarisation fraction and angle */
static void iqu_of(double i, const pol *pp, int64_t q, double dangle, double *v)
{
    v[0] = i;
    v[1] = pp->frac[q] * i * cos(2.0 * pp->angle[q] + dangle);
    v[2] = pp->frac[q] * i * sin(2.0 * pp->angle[q] + dangle);
}

static void fill_dust_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double i = 70.0 * exp(0.7 * h->gi[q]) * plane(g, p, 40.0, 0.12) *
                     synth_mbb_545_to_353(dust_beta(h, q), dust_temp(h, q));
    iqu_of(i, &h->dp, q, 0.0, v);
}

static void fill_dust_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = dust_beta(ctx, q);
}

static void fill_dust_temp(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = dust_temp(ctx, q);
}

static void fill_synch_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double i = 1.6e7 * exp(0.35 * h->si[q]) * plane(g, p, 2.5, 0.2) *
                     pow(23.0 / 0.408, synch_beta(h, q));
    iqu_of(i, &h->sp, q, 0.0, v);
}

static void fill_synch_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = synch_beta(ctx, q);
}

static void fill_synch_curvature(const gen *g, const void *ctx, int64_t p, int64_t q,
                                 double *v)
{
    (void)g, (void)p;
    v[0] = clamp(-0.052 + 0.02 * ((const hires *)ctx)->sc[q], -0.15, 0.05);
}

/* d12's layers: the dust intensity shared out with more weight near the
 * plane for the nearer layers, each with its own index and temperature, in
 * MJy/sr at 353 GHz */
static void fill_layer_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double to_mjy = 353e9 * 353e9 * 2 * SKY_K_BOLTZMANN / (SKY_C_LIGHT * SKY_C_LIGHT) *
                          1e-6 /* uK */ * 1e26 /* Jy */ * 1e-6 /* MJy */;
    const double sb = lat_sin(g, p), l = h->layer;
    const double share = (0.5 + 0.1 * l * sb) / (3.0 + 2.1 * sb);
    const double i353 = 70.0 * exp(0.7 * h->gi[q]) * plane(g, p, 40.0, 0.12) *
                        synth_mbb_545_to_353(1.54, 20.0) * share;
    iqu_of(i353 * to_mjy, &h->dp, q, 0.1 * l, v);
}

static void fill_layer_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const hires *h = ctx;
    v[0] = clamp(1.5 + 0.05 * (h->layer - 3) + 0.08 * h->gb[q], 1.1, 2.0);
}

static void fill_layer_temp(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const hires *h = ctx;
    v[0] = clamp(15.0 + 1.5 * h->layer + 1.5 * h->gt[q], 10.0, 30.0);
}

/* The high-resolution presets' maps, named with this nside as PySM names
 * its per-nside templates: dust I, Q, U at 353 GHz with beta and T maps
 * (dust_gnilc/: d9, d10), synchrotron I, Q, U at 23 GHz with index and
 * curvature maps (synch/: s4, s5, s7), and d12's six layers
 * (mkd_dust/2048/, PySM's names whatever this nside); the same kind of
 * fields as the PySM 2 set. `which` selects groups (SKY_SYNTH_GNILC...). */
int synth_hires_files(gen *g, int which, sky_error *err)
{
    hires h;
    memset(&h, 0, sizeof h);
    char name[256];
    static const char *iqu[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    static const char *uk[] = {"uK_RJ", "uK_RJ", "uK_RJ"};
    static const char *mj[] = {"MJy/sr", "MJy/sr", "MJy/sr"};
    static const char *beta[] = {"BETA"}, *temp[] = {"TEMP"}, *curv[] = {"CURVATURE"};
    static const char *none[] = {""}, *kelvin[] = {"K"};
    int rc;
    g->keep_low = 1;
    if ((rc = synth_unit_field(g, "dust/I", 2.2, &h.gi, err)) ||
        (rc = synth_unit_field(g, "dust/beta", 2.5, &h.gb, err)) ||
        (rc = synth_unit_field(g, "dust/temp", 2.5, &h.gt, err)) ||
        (rc = synth_make_pol(g, "dust/pol", 0.03, 0.22, &h.dp, err)) ||
        (rc = synth_unit_field(g, "synch/I", 2.6, &h.si, err)) ||
        (rc = synth_unit_field(g, "synch/beta", 2.8, &h.sb, err)) ||
        (rc = synth_unit_field(g, "synch/curvature", 2.8, &h.sc, err)) ||
        (rc = synth_make_pol(g, "synch/pol", 0.05, 0.3, &h.sp, err)))
        goto done;
    /* the files of each group; d12's names take the layer, the others the nside */
    static const struct {
        int group;
        const char *subdir, *name;
        int ncols;
        const char *const *cols, *const *units;
        fill_fn *fill;
    } files[] = {
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_template_nside%d_2023.02.10.fits", 3, iqu, uk,
         fill_dust_iqu},
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_beta_nside%d_2023.06.06.fits", 1, beta, none,
         fill_dust_beta},
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_Td_nside%d_2023.06.06.fits", 1, temp, kelvin,
         fill_dust_temp},
        {SKY_SYNTH_SYNCH, "synch", "synch_template_nside%d_2023.02.25.fits", 3, iqu, uk,
         fill_synch_iqu},
        {SKY_SYNTH_SYNCH, "synch", "synch_beta_nside%d_2023.02.16.fits", 1, beta, none,
         fill_synch_beta},
        {SKY_SYNTH_SYNCH, "synch", "synch_curvature_nside%d_2023.02.17.fits", 1, curv, none,
         fill_synch_curvature},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_ampl%d.fits", 3, iqu, mj, fill_layer_iqu},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_specind%d.fits", 1, beta, none,
         fill_layer_beta},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_temp%d.fits", 1, temp, kelvin,
         fill_layer_temp},
    };
    static const int groups[] = {SKY_SYNTH_GNILC, SKY_SYNTH_SYNCH, SKY_SYNTH_MKD};
    for (int k = 0; k < 3 && !rc; k++) {
        const int group = groups[k], nlayers = group == SKY_SYNTH_MKD ? 6 : 1;
        for (h.layer = 1; h.layer <= nlayers && !rc && (which & group); h.layer++)
            for (size_t f = 0; f < sizeof files / sizeof *files && !rc; f++) {
                if (files[f].group != group)
                    continue;
                snprintf(name, sizeof name, files[f].name,
                         group == SKY_SYNTH_MKD ? h.layer : g->nside);
                if (!(rc = synth_use_subdir(g, files[f].subdir, err)))
                    rc = synth_write_stream(g, name, files[f].ncols, files[f].cols, files[f].units,
                                      files[f].fill, &h, err);
            }
    }
done:
    g->keep_low = 0;
    g->subdir = "pysm_2";
    free(h.gi), free(h.gb), free(h.gt), free(h.si), free(h.sb), free(h.sc);
    free(h.dp.frac), free(h.dp.angle), free(h.sp.frac), free(h.sp.angle);
    return rc;
}

