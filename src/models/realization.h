/*
 * realization.h - templates made at load time from large scales plus
 * modulated Gaussian small scales (realization.c), shared by PySM's
 * ModifiedBlackBodyRealization (d11) and PowerLawRealization (s6).
 *
 * The large scales come as alm; the small scales are drawn from spectra with
 * healpy's synalm (numpy's generator, seeded), cut in multipole, multiplied
 * pixel by pixel by modulation maps (from alm too), added to the large
 * scales. The intensity template lives in the log-polarisation-tensor
 * formalism (i = ln sqrt(I^2 - P^2), (q, u) = (Q, U) / P artanh(P / I)) and
 * is turned back into I, Q, U. A "Galactic-plane fix" map can replace the
 * result where its weight w is small: x w + x_fix (1 - w).
 */
#ifndef SKY_MODELS_REALIZATION_H
#define SKY_MODELS_REALIZATION_H

#include "model.h"

typedef struct sky_realization {
    int nside;
    sky_region part; /* the pixels made: this process's part (sky_loader_part) */
    int64_t nloc;    /* their number; every map below holds them back to back */
    double freq_ref; /* GHz */
    int synalm_lmax;
    uint32_t seeds[4];
    int has_fix;
    sky_hmap fix[3], fix_w; /* galplane_fix: I, Q, U in uK_RJ and the weight, on the part */
    double *mod_i;          /* the temperature modulation map, for the index fields */
} sky_realization;

/*
 * Reads what both models share: freq_ref, `nseeds` seeds (`seeds`),
 * synalm_lmax (PySM's default min(16384, 2.5 nside)), has_polarization (true
 * only) and the optional galplane_fix map.
 */
#define SKY_SPEC_REALIZATION                                                                     \
    SKY_SPEC_FREQ("freq_ref", 1), SKY_SPEC_NUMBER("synalm_lmax", 0),                            \
        SKY_SPEC_BOOL("has_polarization"), SKY_SPEC_PATH("galplane_fix", 0),                     \
        SKY_SPEC("seeds", SKY_WANT_STRING | SKY_WANT_NUMBER, 0),                                  \
        SKY_SPEC_PATH("largescale_alm", 1), SKY_SPEC_PATH("small_scale_cl", 1),                  \
        SKY_SPEC_PATH("amplitude_modulation_temp_alm", 1),                                       \
        SKY_SPEC_PATH("amplitude_modulation_pol_alm", 1)

int sky_realization_begin(sky_realization *r, sky_params *ps, sky_loader *ld, int nseeds,
                          sky_error *err);

/*
 * The I, Q, U template (new loader maps of the part, uK_RJ): large scales largescale_alm,
 * small scales from small_scale_cl with seeds[0] kept to l <= lkeep,
 * modulated by amplitude_modulation_temp_alm (I) and _pol_alm (Q, U), turned
 * back from the log-polarisation tensor, with the galplane fix if any. Keeps
 * the temperature modulation map in r->mod_i.
 */
int sky_realization_template(sky_realization *r, sky_params *ps, sky_loader *ld, int lkeep,
                             sky_hmap *out[3], sky_error *err);

/*
 * A scalar field (a new loader map of the part, in `unit`): large scales from the alm
 * file of parameter `alm_key`, small scales from the spectrum of `cl_key`
 * drawn with `seed` and kept to l <= lkeep, multiplied by `mod`; then, when
 * `fix` is not NULL (held for the part), fixed with it and the galplane_fix
 * weight.
 */
int sky_realization_field(sky_realization *r, sky_params *ps, sky_loader *ld,
                          const char *alm_key, const char *cl_key, const char *unit,
                          uint32_t seed, int lkeep, const double *mod, const sky_hmap *fix,
                          sky_hmap **out, sky_error *err);

/* The map of a scalar alm file (parameter `key`, values as they are) on the
 * part, malloc'ed. */
int sky_realization_alm_map(sky_realization *r, sky_params *ps, sky_loader *ld, const char *key,
                            double **map, sky_error *err);

/* Frees what begin and template allocated (the loader maps stay). */
void sky_realization_end(sky_realization *r);

#endif
