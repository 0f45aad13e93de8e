/*
 * synth.h - a synthetic template set in PySM's layout, so that every preset
 * runs on a machine without the PySM data (`skymodel templates`).
 */
#ifndef SKY_TEMPLATES_SYNTH_H
#define SKY_TEMPLATES_SYNTH_H

#include <stdint.h>

#include "skymodel.h"

/* Which files: the PySM 2 set (pysm_2/...: d0-d8, s0-s3, f1, a1, a2, c1,
 * c2) and the high-resolution presets' per-nside files (dust_gnilc/...,
 * synch/...: d9, d10, s4, s5, s7), named with this nside, with d12's layers
 * and d11's and s6's alm, spectra and Galactic-plane maps (.../raw/); the
 * extragalactic presets' maps (websky/, agora/, halfdome/, co/), one bit
 * per preset (co1 reads the line maps, co2 also the polarisation angle and
 * depolarisation maps, co3 also the high-latitude clouds). */
enum {
    SKY_SYNTH_PYSM2 = 1,
    SKY_SYNTH_GNILC = 2,       /* d9, d10 */
    SKY_SYNTH_SYNCH = 4,       /* s4, s5, s7 */
    SKY_SYNTH_MKD = 8,         /* d12 */
    SKY_SYNTH_REALIZATION = 16, /* d11, s6 */
    SKY_SYNTH_HIRES = 30,
    SKY_SYNTH_C3 = 1 << 5,     /* websky/0.4/cmb/map_?_unlensed_... */
    SKY_SYNTH_C4 = 1 << 6,     /* websky/0.4/cmb/map_?_lensed_... */
    SKY_SYNTH_KSZ1 = 1 << 7,   /* websky/0.4/ksz.fits */
    SKY_SYNTH_TSZ1 = 1 << 8,   /* websky/0.4/tsz_8192_hp.fits */
    SKY_SYNTH_KSZ2 = 1 << 9,   /* agora/agora_ukszNG_... */
    SKY_SYNTH_TSZ2 = 1 << 10,  /* agora/agora_utszNG_... */
    SKY_SYNTH_KSZ3 = 1 << 11,  /* agora/agora_lkszNG_..._lensed */
    SKY_SYNTH_TSZ3 = 1 << 12,  /* agora/agora_ltszNG_..._lensed */
    SKY_SYNTH_TSZ4 = 1 << 13,  /* halfdome/0.1/tsz/y_b16_halo_res1_s100.fits */
    SKY_SYNTH_CO_LINES = 1 << 14, /* co/HFI_CompMap_CO-Type1_* (co1-co3) */
    SKY_SYNTH_CO_POL = 1 << 15,   /* co/psimap_dust90_*, co/gmap_dust90_* (co2, co3) */
    SKY_SYNTH_CO_HGL = 1 << 16,   /* co/mcmoleCO_HGL_* (co3) */
    SKY_SYNTH_WEBSKY = SKY_SYNTH_C3 | SKY_SYNTH_C4 | SKY_SYNTH_KSZ1 | SKY_SYNTH_TSZ1,
    SKY_SYNTH_AGORA = SKY_SYNTH_KSZ2 | SKY_SYNTH_TSZ2 | SKY_SYNTH_KSZ3 | SKY_SYNTH_TSZ3,
    SKY_SYNTH_HALFDOME = SKY_SYNTH_TSZ4,
    SKY_SYNTH_CO = SKY_SYNTH_CO_LINES | SKY_SYNTH_CO_POL | SKY_SYNTH_CO_HGL,
    SKY_SYNTH_EXTRAGALACTIC = SKY_SYNTH_WEBSKY | SKY_SYNTH_AGORA | SKY_SYNTH_HALFDOME |
                              SKY_SYNTH_CO,
    /* the frequency grids (synth_interp.c) */
    SKY_SYNTH_CIB1 = 1 << 20,  /* websky/0.4/cib/cib_....fits */
    SKY_SYNTH_RG1 = 1 << 21,   /* websky/0.4/radio/radio_....fits */
    SKY_SYNTH_RG3 = 1 << 22,   /* websky/0.4/radio_catalog/background/{nside}/... */
    SKY_SYNTH_GRIDS = SKY_SYNTH_CIB1 | SKY_SYNTH_RG1 | SKY_SYNTH_RG3,
    /* rg2's HDF5 point-source catalogue (websky/0.4/radio_catalog/...h5):
     * a few thousand sources, the real ~370k with SKY_SYNTH_REAL_NSIDE */
    SKY_SYNTH_RG2 = 1 << 24,
    /* the sets --real-nside can write */
    SKY_SYNTH_REAL_SETS = SKY_SYNTH_EXTRAGALACTIC | SKY_SYNTH_GRIDS | SKY_SYNTH_RG2,
    SKY_SYNTH_ALL = 31 | SKY_SYNTH_EXTRAGALACTIC | SKY_SYNTH_GRIDS | SKY_SYNTH_RG2
};

/* With `sets`: write nothing, log "relpath nside" for each file instead
 * ("relpath nsources" for the catalogue; the sets of SKY_SYNTH_REAL_SETS
 * only; tests use it to check --real-nside's nsides without writing 3 GB
 * maps). */
enum { SKY_SYNTH_LIST = 1 << 30 };

/* As `nside`: each file at the nside of PySM's real file (WebSky CMB 512 or
 * 4096 as named, ksz.fits 4096, the other SZ maps 8192, CO 512 or 2048 as
 * named, the grids at theirs) and the catalogue at its real size; only for
 * the sets of SKY_SYNTH_REAL_SETS. */
enum { SKY_SYNTH_REAL_NSIDE = -1 };

/*
 * Writes under `dir` (created if missing) the template files of `sets`, at
 * their PySM relative paths, as HEALPix maps at `nside` (or
 * SKY_SYNTH_REAL_NSIDE) and text tables,
 * generated deterministically from `seed`. Files are written to temporary
 * names and renamed into place. Existing files are replaced only with
 * `overwrite`. `log` (may be NULL) receives one line per file written.
 */
int sky_synth_templates(const char *dir, int nside, uint64_t seed, int overwrite, int sets,
                        void (*log)(void *ctx, const char *line), void *log_ctx, sky_error *err);

#endif
