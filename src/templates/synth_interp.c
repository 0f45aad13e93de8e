/*
 * synth_interp.c - the frequency grids of the synthetic templates, at
 * PySM's relative paths:
 *
 * - websky/0.4/cib/cib_{f:06.1f}.fits (cib1), 46 maps in MJy/sr, intensity:
 *   a positive clustered field (log-normal, with per-pixel scatter) times a
 *   modified black body (beta 1.5, T 20 K, 0.5 MJy/sr at 545 GHz on
 *   average) whose temperature varies by a few per cent across the sky, so
 *   that maps are not one another's multiples;
 * - websky/0.4/radio/radio_{f:06.1f}.fits (rg1), 46 maps in Jy/sr,
 *   intensity: a faint background and sparse bright "sources", each pixel
 *   with its own spectral index around -0.7;
 * - websky/0.4/radio_catalog/background/{2048,4096,8192}/{f:05.1f}.fits
 *   (rg3), 16 I, Q, U maps per folder in uK_RJ: the same kind of radio sky
 *   (RJ temperature, index around -2.7), a few per cent polarised.
 *
 * Maps are at the generator's nside, or with `real` at PySM's (4096 for the
 * WebSky grids, each folder's own for rg3: 37 GB per WebSky grid).
 */
#include "synth_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healpix/healpix.h"

static const double websky_freqs[46] = {
    17.0, 18.7, 21.6, 24.5, 27.3, 30.0, 35.9, 41.7, 44.0, 47.4, 63.9, 67.8,
    70.0, 73.7, 79.6, 90.2, 100,  111,  129,  143,  153,  164,  189,  210,
    217,  232,  256,  275,  294,  306,  314,  340,  353,  375,  409,  467,
    525,  545,  584,  643,  729,  817,  857,  906,  994,  1080,
};
static const double rg3_freqs[16] = {1.0,   10.0,  18.7,  24.5,  44.0,  70.0,  100.0, 143.0,
                                     217.0, 353.0, 545.0, 643.0, 729.0, 857.0, 906.0, 1000.0};

typedef struct grid_sky {
    double *amp, *index, *angle; /* fields at gen_nside */
    uint64_t pixels, sources;
    double nu; /* GHz of the map being written */
} grid_sky;

/* modified black body, nu in GHz, relative to 545 GHz */
static double mbb(double nu, double t)
{
    const double x = 0.0479924 * nu / t, x0 = 0.0479924 * 545.0 / t; /* h nu / k T */
    return pow(nu / 545.0, 4.5) * expm1(x0) / expm1(x);
}

static void fill_cib(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g;
    const grid_sky *s = ctx;
    const double a = exp(0.4 * s->amp[q] - 0.08) *
                     exp(0.2 * synth_hash_gauss(s->pixels, (uint64_t)p) - 0.02);
    v[0] = 0.5 * a * mbb(s->nu, 20.0 * (1.0 + 0.05 * s->index[q]));
}

/* bright "sources": one pixel in ~200 (of the file's) */
static double source(const grid_sky *s, int64_t p)
{
    const double u = synth_hash_u01(s->sources, (uint64_t)p) * 200.0;
    return u < 1.0 ? pow(u + 1e-6, -0.7) : 0.0;
}

static void fill_radio(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g;
    const grid_sky *s = ctx;
    const double alpha = -0.7 + 0.2 * s->index[q] + 0.1 * synth_hash_gauss(s->pixels, (uint64_t)p);
    const double a = 20.0 * exp(0.3 * s->amp[q]) + 200.0 * source(s, p);
    v[0] = a * pow(s->nu / 100.0, alpha);
}

static void fill_rg3(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g;
    const grid_sky *s = ctx;
    const double beta = -2.7 + 0.2 * s->index[q] + 0.1 * synth_hash_gauss(s->pixels, (uint64_t)p);
    const double i = (0.5 * exp(0.3 * s->amp[q]) + 5.0 * source(s, p)) * pow(s->nu / 100.0, beta);
    const double pf = 0.03 * (1.0 + 0.5 * s->index[q] * s->index[q]) / 1.5;
    const double psi = 0.5 * M_PI * s->angle[q];
    v[0] = i;
    v[1] = pf * i * cos(2 * psi);
    v[2] = pf * i * sin(2 * psi);
}

/* One grid: its files at dir/subdir/name(nu), each at real_nside with
 * `real`, else at g's. */
static int grid_files(gen *g, int real, int real_nside, const char *subdir, const char *fmt,
                      const double *freqs, int n, int ncols, const char *const *cols,
                      const char *const *units, fill_fn *fill, grid_sky *s, sky_error *err)
{
    const int own = g->nside;
    int rc = SKY_OK;
    for (int k = 0; k < n && !rc; k++) {
        char name[128];
        snprintf(name, sizeof name, fmt, freqs[k]);
        if (g->list) {
            char line[512];
            snprintf(line, sizeof line, "%s/%s %d", subdir, name, real ? real_nside : own);
            if (g->log)
                g->log(g->log_ctx, line);
            continue;
        }
        if ((rc = synth_use_subdir(g, subdir, err)))
            break;
        if (real) {
            g->nside = real_nside;
            g->npix = sky_hpx_npix(real_nside);
        }
        s->nu = freqs[k];
        rc = synth_write_stream(g, name, ncols, cols, units, fill, s, err);
        g->nside = own;
        g->npix = sky_hpx_npix(own);
    }
    return rc;
}

int synth_interp_files(gen *g, int which, int real, sky_error *err)
{
    static const char *icol[] = {"I_STOKES"}, *mjy[] = {"MJy/sr"}, *jy[] = {"Jy/sr"};
    static const char *iqu[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    static const char *rj[] = {"uK_RJ", "uK_RJ", "uK_RJ"};
    static const struct {
        int bit;
        const char *name;
    } grids[] = {{SKY_SYNTH_CIB1, "cib"}, {SKY_SYNTH_RG1, "radio"}, {SKY_SYNTH_RG3, "rg3"}};
    int rc = SKY_OK;
    g->keep_low = 1;
    for (size_t k = 0; k < sizeof grids / sizeof *grids && !rc; k++) {
        if (!(which & grids[k].bit))
            continue;
        char st[4][64];
        for (int j = 0; j < 4; j++)
            snprintf(st[j], sizeof st[j], "grid/%s/%s", grids[k].name,
                     (const char *[]){"pixels", "sources", "amp", "index"}[j]);
        grid_sky s;
        memset(&s, 0, sizeof s);
        s.pixels = synth_stream_key(g->seed, st[0]);
        s.sources = synth_stream_key(g->seed, st[1]);
        char angle[64];
        snprintf(angle, sizeof angle, "grid/%s/angle", grids[k].name);
        if (!g->list && ((rc = synth_unit_field(g, st[2], 2.0, &s.amp, err)) ||
                         (rc = synth_unit_field(g, st[3], 2.5, &s.index, err)) ||
                         (rc = synth_unit_field(g, angle, 3.0, &s.angle, err)))) {
            free(s.amp), free(s.index), free(s.angle);
            break;
        }
        if (grids[k].bit == SKY_SYNTH_CIB1)
            rc = grid_files(g, real, 4096, "websky/0.4/cib", "cib_%06.1f.fits", websky_freqs, 46,
                            1, icol, mjy, fill_cib, &s, err);
        else if (grids[k].bit == SKY_SYNTH_RG1)
            rc = grid_files(g, real, 4096, "websky/0.4/radio", "radio_%06.1f.fits", websky_freqs,
                            46, 1, icol, jy, fill_radio, &s, err);
        else
            for (int n = 2048; n <= 8192 && !rc; n *= 2) {
                char sub[128];
                snprintf(sub, sizeof sub, "websky/0.4/radio_catalog/background/%d", n);
                rc = grid_files(g, real, n, sub, "%05.1f.fits", rg3_freqs, 16, 3, iqu, rj,
                                fill_rg3, &s, err);
            }
        free(s.amp), free(s.index), free(s.angle);
    }
    g->keep_low = 0;
    g->subdir = "pysm_2";
    return rc;
}
