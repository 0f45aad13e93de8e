/*
 * synth_pysm2.c - the PySM 2 set of the synthetic templates (pysm_2/...):
 * dust (d0-d8), synchrotron (s0-s3), free-free (f1), AME (a1, a2), the CMB
 * map and spectra (c1, c2) and the text tables.
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"

static int dust_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gi = NULL, *gb = NULL, *gt = NULL, *gb2 = NULL, *gb3 = NULL, *buf = NULL;
    pol pl = {NULL, NULL};
    int rc;
    if ((rc = synth_unit_field(g, "dust/I", 2.2, &gi, err)) ||
        (rc = synth_unit_field(g, "dust/beta", 2.5, &gb, err)) ||
        (rc = synth_unit_field(g, "dust/temp", 2.5, &gt, err)) ||
        (rc = synth_unit_field(g, "dust/beta_std0p2", 2.4, &gb2, err)) ||
        (rc = synth_unit_field(g, "dust/beta_std0p3", 2.4, &gb3, err)) ||
        (rc = synth_make_pol(g, "dust/pol", 0.03, 0.22, &pl, err)))
        goto done;
    if (!(buf = malloc((size_t)9 * n * sizeof *buf))) {
        rc = sky_nomem(err, "dust templates");
        goto done;
    }
    double *I = buf, *Q = buf + n, *U = buf + 2 * n, *B = buf + 3 * n, *T = buf + 4 * n;
    for (int64_t p = 0; p < n; p++) {
        I[p] = 70.0 * exp(0.7 * gi[p]) * plane(g, p, 40.0, 0.12);
        B[p] = clamp(1.54 + 0.08 * gb[p], 1.2, 1.9);
        T[p] = clamp(20.0 + 1.8 * gt[p], 14.0, 27.0);
        double p353 = pl.frac[p] * I[p] * synth_mbb_545_to_353(B[p], T[p]);
        Q[p] = p353 * cos(2.0 * pl.angle[p]);
        U[p] = p353 * sin(2.0 * pl.angle[p]);
    }
    if ((rc = synth_write_map1(g, "dust_t_new.fits", "I_STOKES", "uK_RJ", I, err)) ||
        (rc = synth_write_map1(g, "dust_q_new.fits", "Q_STOKES", "uK_RJ", Q, err)) ||
        (rc = synth_write_map1(g, "dust_u_new.fits", "U_STOKES", "uK_RJ", U, err)) ||
        (rc = synth_write_map1(g, "dust_beta.fits", "BETA", "", B, err)) ||
        (rc = synth_write_map1(g, "dust_temp.fits", "TEMPERATURE_DUST", "K", T, err)))
        goto done;
    double *B2 = buf + 5 * n, *B3 = buf + 6 * n;
    for (int64_t p = 0; p < n; p++) {
        B2[p] = 1.59 + 0.2 * gb2[p];
        B3[p] = 1.59 + 0.3 * gb3[p];
    }
    if ((rc = synth_write_map1(g, "beta_mean1p59_std0p2.fits", "BETA", "", B2, err)) ||
        (rc = synth_write_map1(g, "beta_mean1p59_std0p3.fits", "BETA", "", B3, err)))
        goto done;

    /* d4: two components sharing the dust morphology, 35 % and 65 % of it */
    static const struct {
        const char *tag;
        double share, beta, dbeta, temp, dtemp;
    } comps[2] = {{"1", 0.35, 1.63, 0.05, 9.75, 0.5}, {"2", 0.65, 2.82, 0.05, 15.7, 0.8}};
    for (int c = 0; c < 2 && !rc; c++) {
        double *Ic = buf + 5 * n, *Qc = buf + 6 * n, *Uc = buf + 7 * n, *Bc = buf + 8 * n;
        for (int64_t p = 0; p < n; p++) {
            Ic[p] = comps[c].share * I[p];
            Qc[p] = comps[c].share * Q[p];
            Uc[p] = comps[c].share * U[p];
            Bc[p] = comps[c].beta + comps[c].dbeta * (c ? gb2[p] : gb3[p]);
        }
        char f[5][64];
        snprintf(f[0], 64, "dust2comp_I%s_ns512_545.fits", comps[c].tag);
        snprintf(f[1], 64, "dust2comp_Q%s_ns512_353.fits", comps[c].tag);
        snprintf(f[2], 64, "dust2comp_U%s_ns512_353.fits", comps[c].tag);
        snprintf(f[3], 64, "dust2comp_beta%s_ns512.fits", comps[c].tag);
        snprintf(f[4], 64, "dust2comp_temp%s_ns512.fits", comps[c].tag);
        if ((rc = synth_write_map1(g, f[0], "I_STOKES", "uK_RJ", Ic, err)) ||
            (rc = synth_write_map1(g, f[1], "Q_STOKES", "uK_RJ", Qc, err)) ||
            (rc = synth_write_map1(g, f[2], "U_STOKES", "uK_RJ", Uc, err)) ||
            (rc = synth_write_map1(g, f[3], "BETA", "", Bc, err)))
            break;
        for (int64_t p = 0; p < n; p++)
            Bc[p] = comps[c].temp + comps[c].dtemp * (c ? gt[p] : -gt[p]);
        rc = synth_write_map1(g, f[4], "TEMPERATURE_DUST", "K", Bc, err);
    }
    if (rc)
        goto done;

    /* Commander-like products (d5/d7 draw uval from T, beta and their RMS) */
    double *com = malloc((size_t)9 * n * sizeof *com);
    if (!com) {
        rc = sky_nomem(err, "dust templates");
        goto done;
    }
    for (int64_t p = 0; p < n; p++) {
        com[p] = I[p];
        com[n + p] = I[p] * (1.0 + 0.01 * gb2[p]);
        com[2 * n + p] = 5.0 + 0.02 * I[p];
        com[3 * n + p] = T[p];
        com[4 * n + p] = T[p] + 0.1 * gb3[p];
        com[5 * n + p] = 0.5 + 2.0 / (1.0 + exp(-gb2[p]));
        com[6 * n + p] = B[p];
        com[7 * n + p] = B[p] + 0.01 * gb3[p];
        com[8 * n + p] = 0.02 + 0.15 / (1.0 + exp(-gb3[p]));
    }
    static const char *cn[] = {"I_ML",     "I_MEAN",  "I_RMS",     "TEMP_ML", "TEMP_MEAN",
                               "TEMP_RMS", "BETA_ML", "BETA_MEAN", "BETA_RMS"};
    static const char *cu[] = {"uK_RJ", "uK_RJ", "uK_RJ", "K", "K", "K", "", "", ""};
    rc = synth_write_maps(g, "COM_CompMap_dust-commander_0256_R2.00.fits", 9, cn, cu, com, err);
    free(com);
done:
    free(gi);
    free(gb);
    free(gt);
    free(gb2);
    free(gb3);
    free(pl.frac);
    free(pl.angle);
    free(buf);
    return rc;
}

static int synch_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gi = NULL, *gb = NULL, *buf = NULL;
    pol pl = {NULL, NULL};
    int rc;
    if ((rc = synth_unit_field(g, "synch/I", 2.6, &gi, err)) ||
        (rc = synth_unit_field(g, "synch/beta", 2.8, &gb, err)) ||
        (rc = synth_make_pol(g, "synch/pol", 0.05, 0.3, &pl, err)))
        goto done;
    if (!(buf = malloc((size_t)5 * n * sizeof *buf))) {
        rc = sky_nomem(err, "synchrotron templates");
        goto done;
    }
    double *I = buf, *Q = buf + n, *U = buf + 2 * n, *B = buf + 3 * n, *L = buf + 4 * n;
    for (int64_t p = 0; p < n; p++) {
        I[p] = 1.6e7 * exp(0.35 * gi[p]) * plane(g, p, 2.5, 0.2);
        B[p] = clamp(-3.0 + 0.1 * gb[p], -3.4, -2.6);
        L[p] = -2.95 - 0.4 * lat_sin(g, p);
        double p23 = pl.frac[p] * I[p] * pow(23.0 / 0.408, B[p]);
        Q[p] = p23 * cos(2.0 * pl.angle[p]);
        U[p] = p23 * sin(2.0 * pl.angle[p]);
    }
    if ((rc = synth_write_map1(g, "synch_t_new.fits", "I_STOKES", "uK_RJ", I, err)) ||
        (rc = synth_write_map1(g, "synch_q_new.fits", "Q_STOKES", "uK_RJ", Q, err)) ||
        (rc = synth_write_map1(g, "synch_u_new.fits", "U_STOKES", "uK_RJ", U, err)) ||
        (rc = synth_write_map1(g, "synch_beta.fits", "BETA", "", B, err)) ||
        (rc = synth_write_map1(g, "beta_latvar.fits", "BETA", "", L, err)))
        goto done;
done:
    free(gi);
    free(gb);
    free(pl.frac);
    free(pl.angle);
    free(buf);
    return rc;
}

static int freefree_ame_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gf = NULL, *ga = NULL, *gp = NULL, *buf = NULL;
    int rc;
    if ((rc = synth_unit_field(g, "freefree/I", 2.4, &gf, err)) ||
        (rc = synth_unit_field(g, "ame/I", 2.3, &ga, err)) ||
        (rc = synth_unit_field(g, "ame/peak", 2.8, &gp, err)))
        goto done;
    if (!(buf = malloc((size_t)n * sizeof *buf))) {
        rc = sky_nomem(err, "free-free and AME templates");
        goto done;
    }
    for (int64_t p = 0; p < n; p++)
        buf[p] = 3.0 * exp(0.9 * gf[p]) * plane(g, p, 60.0, 0.06);
    if ((rc = synth_write_map1(g, "ff_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] = 7.0 * exp(0.7 * ga[p]) * plane(g, p, 35.0, 0.1);
    if ((rc = synth_write_map1(g, "ame_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] *= 0.32 * exp(0.1 * gp[p]);
    if ((rc = synth_write_map1(g, "ame2_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] = clamp(30.0 + 2.0 * gp[p], 24.0, 36.0);
    rc = synth_write_map1(g, "ame_nu_peak_0.fits", "NU_PEAK", "GHz", buf, err);
done:
    free(gf);
    free(ga);
    free(gp);
    free(buf);
    return rc;
}

static int cmb_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    int lmax_file = 4 * g->nside > 2500 ? 4 * g->nside : 2500;
    int rows = lmax_file - 1, rc;
    double *t = malloc((size_t)rows * 8 * sizeof *t);
    if (!t)
        return sky_nomem(err, "CMB spectra");
    for (int i = 0; i < rows; i++) {
        int l = i + 2;
        double tt, ee, bb, te, pp;
        synth_cmb_dl(l, &tt, &ee, &bb, &te, &pp);
        double *r = t + (size_t)i * 8;
        r[0] = l;
        r[1] = tt;
        r[2] = ee;
        r[3] = bb;
        r[4] = te;
        r[5] = pp;
        r[6] = 0.2 * sqrt(tt * pp * (double)l * (l + 1.0)) * exp(-l / 100.0); /* TP */
        r[7] = -0.01 * sqrt(ee * pp * (double)l * (l + 1.0)) * exp(-l / 100.0); /* EP */
    }
    rc = synth_write_table(g, "camb_lenspotentialCls.dat",
                     "#    L    TT             EE             BB             TE             PP "
                     "            TP             EP",
                     rows, 8, t, "%.6E", err);
    if (!rc) {
        for (int i = 0; i < rows; i++) {
            double l = i + 2;
            t[2 * i] = l;
            t[2 * i + 1] = 1.0 - 0.7 * exp(-pow(l / 1500.0, 2.0));
        }
        rc = synth_write_table(g, "delens_ells.txt", NULL, rows, 2, t, "%.9e", err);
    }
    free(t);
    if (rc)
        return rc;

    /* a T, E, B realisation, TE correlation included through E = r T + noise */
    rng r;
    synth_rng_init(&r, g->seed, "cmb");
    cmb_ctx ct = {0}, ce = {1}, cb = {2};
    cl_fn f1 = synth_cl_cmb;
    void *c1 = &ct;
    double *T = NULL, *QU[2] = {NULL, NULL}, *iqu = NULL;
    if ((rc = synth_maps(g, 1, &f1, &c1, &r, &T, err)))
        return rc;
    cl_fn f2[2] = {synth_cl_cmb, synth_cl_cmb};
    void *c2[2] = {&ce, &cb};
    if ((rc = synth_maps(g, 2, f2, c2, &r, QU, err))) {
        free(T);
        return rc;
    }
    if (!(iqu = malloc((size_t)3 * n * sizeof *iqu))) {
        rc = sky_nomem(err, "the CMB map");
    } else {
        for (int64_t p = 0; p < n; p++) {
            iqu[p] = T[p];
            iqu[n + p] = QU[0][p];
            iqu[2 * n + p] = QU[1][p];
        }
        static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
        static const char *units[] = {"uK_CMB", "uK_CMB", "uK_CMB"};
        rc = synth_write_maps(g, "lensed_cmb.fits", 3, names, units, iqu, err);
    }
    free(T);
    free(QU[0]);
    free(QU[1]);
    free(iqu);
    return rc;
}

static int table_files(gen *g, sky_error *err)
{
    /* spinning-dust emissivity: j ~ nu^2 below the 30 GHz peak, nu^-2 above */
    enum { NE = 1000 };
    double *e = malloc((size_t)NE * 2 * sizeof *e);
    if (!e)
        return sky_nomem(err, "tables");
    for (int i = 0; i < NE; i++) {
        double nu = 0.05 * pow(1e4, i / (NE - 1.0)), x = nu / 30.0;
        e[2 * i] = nu;
        e[2 * i + 1] = 1e-17 * 2.0 * x * x / (1.0 + x * x * x * x);
    }
    int rc = synth_write_table(g, "emissivity.txt", NULL, NE, 2, e, "%.18e", err);
    free(e);
    if (rc)
        return rc;

    /* HD17-like grain tables: nu I_nu of a modified black body whose
     * temperature grows as U^(1/(4+beta)), and nu P_nu a fraction of it */
    enum { NW = 301, NU = 81, NC = 3 + 2 * NU };
    static const struct {
        const char *name;
        double beta, amp, pfrac;
    } grains[3] = {{"sil_fe00_2.0.dat", 1.6, 1.0, 0.2},
                   {"sil_fe05_2.0.dat", 1.7, 0.8, 0.15},
                   {"car_1.0.dat", 1.5, 0.6, 0.02}};
    double *t = malloc((size_t)NW * NC * sizeof *t);
    if (!t)
        return sky_nomem(err, "tables");
    for (int k = 0; k < 3 && !rc; k++) {
        for (int i = 0; i < NW; i++) {
            double *r = t + (size_t)i * NC, lam = 0.1 * pow(1e5, i / (NW - 1.0)); /* um */
            double nu = SKY_C_LIGHT / (lam * 1e-6);
            r[0] = lam;
            r[1] = 3.0e-24 * grains[k].amp / (1.0 + pow(lam / 60.0, 2.0));
            r[2] = 0.16 * r[1];
            for (int j = 0; j < NU; j++) {
                double logu = -3.0 + 0.1 * j, u = pow(10.0, logu);
                double temp = 18.0 * pow(u, 1.0 / (4.0 + grains[k].beta));
                double x = SKY_H_PLANCK * nu / (SKY_K_BOLTZMANN * temp);
                double v = x > 700 ? 0.0
                                   : 4e-26 * grains[k].amp * u * pow(x, 4.0 + grains[k].beta) *
                                         exp(-x) / -expm1(-x) /
                                         pow(SKY_H_PLANCK * 1e12 / (SKY_K_BOLTZMANN * 18.0), 4.0);
                r[3 + j] = v;
                r[3 + NU + j] = grains[k].pfrac * v;
            }
        }
        rc = synth_write_table(g, grains[k].name, NULL, NW, NC, t, "%.10e", err);
    }
    free(t);
    return rc;
}

int synth_pysm2_files(gen *g, sky_error *err)
{
    int rc;
    if (!(rc = dust_files(g, err)) && !(rc = synch_files(g, err)) &&
        !(rc = freefree_ame_files(g, err)) && !(rc = cmb_files(g, err)))
        rc = table_files(g, err);
    return rc;
}
