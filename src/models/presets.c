/*
 * presets.c - the PySM 3.4.5 presets skymodel provides, with the parameters
 * PySM's presets.cfg gives them (template paths are PySM's relative paths on
 * its data server). A preset with two components (d4, a1, a2) is one group:
 * PySM builds it as a nested Sky and sums it before adding it to the rest.
 */
#include "presets.h"

#include <string.h>

#include "params.h"
#include "skymodel.h"

#define S(k, v) {k, SKY_PARAM_STRING, v, 0}
#define N(k, v) {k, SKY_PARAM_NUMBER, NULL, v}
#define B(k, v) {k, SKY_PARAM_BOOL, NULL, v}

/* Dust: I at 545 GHz, Q/U at 353 GHz, uK_RJ templates. */
#define DUST_IQU(i, q, u)                                                                        \
    S("map_I", i), S("map_Q", q), S("map_U", u), S("unit_I", "uK_RJ"), S("unit_Q", "uK_RJ"),   \
        S("unit_U", "uK_RJ"), S("freq_ref_I", "545 GHz"), S("freq_ref_P", "353 GHz")
#define DUST_PYSM2 DUST_IQU("pysm_2/dust_t_new.fits", "pysm_2/dust_q_new.fits", "pysm_2/dust_u_new.fits")
/* Synchrotron: I at 408 MHz (Haslam), Q/U at 23 GHz (WMAP). */
#define SYNCH_PYSM2                                                                              \
    S("map_I", "pysm_2/synch_t_new.fits"), S("map_Q", "pysm_2/synch_q_new.fits"),              \
        S("map_U", "pysm_2/synch_u_new.fits"), S("unit_I", "uK_RJ"), S("unit_Q", "uK_RJ"),     \
        S("unit_U", "uK_RJ"), S("freq_ref_I", "408 MHz"), S("freq_ref_P", "23 GHz")
/* Hensley-Draine 2017 dust: ISRF strength drawn (or fixed) at nside 256. */
#define HD2017(rnd, f_fe) DUST_PYSM2, B("rnd_uval", rnd), N("nside_uval", 256), N("seed", 4632), \
        N("f_car", 1.0), N("f_fe", f_fe)
#define AME_COMMON S("unit_I", "uK_RJ"), S("emissivity", "pysm_2/emissivity.txt"), S("freq_ref_peak", "30 GHz")
#define AME1 S("map_I", "pysm_2/ame_t_new.fits"), S("freq_ref_I", "22.8 GHz"), S("freq_peak", "pysm_2/ame_nu_peak_0.fits"), AME_COMMON
#define AME2 S("map_I", "pysm_2/ame2_t_new.fits"), S("freq_ref_I", "41 GHz"), S("freq_peak", "33.35 GHz"), AME_COMMON
#define AME_POL N("pol_frac", 0.02), S("angle_Q", "pysm_2/dust_q_new.fits"), S("angle_U", "pysm_2/dust_u_new.fits")

/* The high-resolution templates (PySM 3.4.5's d9, d10, s4, s5, s7): one file
 * per available nside, {nside} filled with the one closest to the sky's. */
#define GNILC_DUST(what, date) "dust_gnilc/gnilc_dust_" what "_nside{nside}_" date ".fits"
#define SYNCH_HIRES(what, date) "synch/synch_" what "_nside{nside}_" date ".fits"
/* d11 and s6: alm and spectra of the realisations (gzip-compressed FITS) */
#define GNILC_RAW(what) "dust_gnilc/raw/gnilc_dust_" what ".fits.gz"
#define SYNCH_RAW(what) "synch/raw/synch_" what ".fits.gz"
#define HIRES_REFS(f)                                                                            \
    S("freq_ref_I", f), S("freq_ref_P", f), N("max_nside", 8192),                               \
        S("available_nside", "[2048, 4096, 8192]")

/* The extragalactic and CMB presets of PySM 3.4.5 whose models are maps or
 * formulas. */
#define WEBSKY_CMB(lensed)                                                                       \
    S("websky_version", "0.4"), N("seed", 1), B("lensed", lensed),                              \
        B("include_solar_dipole", 0), N("max_nside", 4096)
/* NPIPE's dipole (Planck 2020 LVII), T_cmb of Fixsen 2009 */
#define DIPOLE                                                                                   \
    S("amp", "3366.6 uK_CMB"), S("dip_lon", "263.986 deg"), S("dip_lat", "48.247 deg"),        \
        S("T_cmb", "2.72548 K_CMB")
#define SZ(type, file, max) S("sz_type", type), S("template_name", file), N("max_nside", max)
/* WebSkyCIB / WebSkyRadioGalaxies (cib1, rg1) */
#define WEBSKY_GRID(units, spt)                                                                  \
    S("websky_version", "0.4"), S("input_units", units), S("interpolation_kind", "linear"),     \
        B("apply_SPT_correction", spt), N("max_nside", 4096)
#define AGORA(what, lensed) "agora/agora_" what "NG_bahamas80_bnd_unb_1.0e+12_1.0e+18" lensed ".fits"

static const sky_preset presets[] = {
    {"d0", "thermal dust, modified black body with constant beta = 1.54 and T = 20 K",
     {{NULL, "ModifiedBlackBody",
       {DUST_PYSM2, N("map_mbb_index", 1.54), N("map_mbb_temperature", 20),
        S("unit_mbb_temperature", "K")}}}},
    {"d1", "thermal dust, modified black body with Planck Commander beta and T maps",
     {{NULL, "ModifiedBlackBody",
       {DUST_PYSM2, S("map_mbb_index", "pysm_2/dust_beta.fits"),
        S("map_mbb_temperature", "pysm_2/dust_temp.fits"), S("unit_mbb_temperature", "K")}}}},
    {"d2", "thermal dust, d1 with beta a Gaussian field of mean 1.59, std 0.2",
     {{NULL, "ModifiedBlackBody",
       {DUST_PYSM2, S("map_mbb_index", "pysm_2/beta_mean1p59_std0p2.fits"),
        S("map_mbb_temperature", "pysm_2/dust_temp.fits"), S("unit_mbb_temperature", "K")}}}},
    {"d3", "thermal dust, d1 with beta a Gaussian field of mean 1.59, std 0.3",
     {{NULL, "ModifiedBlackBody",
       {DUST_PYSM2, S("map_mbb_index", "pysm_2/beta_mean1p59_std0p3.fits"),
        S("map_mbb_temperature", "pysm_2/dust_temp.fits"), S("unit_mbb_temperature", "K")}}}},
    {"d4", "thermal dust, two modified black bodies (Finkbeiner et al. 1999 model)",
     {{"d4.comp1", "ModifiedBlackBody",
       {DUST_IQU("pysm_2/dust2comp_I1_ns512_545.fits", "pysm_2/dust2comp_Q1_ns512_353.fits",
                 "pysm_2/dust2comp_U1_ns512_353.fits"),
        S("map_mbb_index", "pysm_2/dust2comp_beta1_ns512.fits"),
        S("map_mbb_temperature", "pysm_2/dust2comp_temp1_ns512.fits"),
        S("unit_mbb_temperature", "K")}},
      {"d4.comp2", "ModifiedBlackBody",
       {DUST_IQU("pysm_2/dust2comp_I2_ns512_545.fits", "pysm_2/dust2comp_Q2_ns512_353.fits",
                 "pysm_2/dust2comp_U2_ns512_353.fits"),
        S("map_mbb_index", "pysm_2/dust2comp_beta2_ns512.fits"),
        S("map_mbb_temperature", "pysm_2/dust2comp_temp2_ns512.fits"),
        S("unit_mbb_temperature", "K")}}}},
    {"d5", "thermal dust, Hensley & Draine 2017 silicate + carbonaceous grains, radiation "
           "field drawn from Commander T and beta (seed 4632)",
     {{NULL, "HensleyDraine2017", {HD2017(1, 0.0)}}}},
    {"d6", "thermal dust, d1 with frequency decorrelation (correlation length 5), random per "
           "evaluation",
     {{NULL, "DecorrelatedModifiedBlackBody",
       {DUST_PYSM2, N("correlation_length", 5.0), S("map_mbb_index", "pysm_2/dust_beta.fits"),
        S("map_mbb_temperature", "pysm_2/dust_temp.fits"), S("unit_mbb_temperature", "K")}}}},
    {"d7", "thermal dust, d5 with iron inclusions in 44% of the silicate grains",
     {{NULL, "HensleyDraine2017", {HD2017(1, 0.44)}}}},
    {"d8", "thermal dust, d7 with a uniform radiation field (uval = 0.2, close to a 20 K MBB)",
     {{NULL, "HensleyDraine2017", {HD2017(0, 0.44), N("uval", 0.2)}}}},
    {"d9", "thermal dust, GNILC templates to nside 8192, MBB with constant beta = 1.48, T = 19.6 K",
     {{NULL, "ModifiedBlackBody",
       {S("map_I", GNILC_DUST("template", "2023.02.10")), N("map_mbb_index", 1.48),
        N("map_mbb_temperature", 19.6), S("unit_mbb_temperature", "K"), HIRES_REFS("353 GHz")}}}},
    {"d10", "thermal dust, GNILC templates to nside 8192, MBB with GNILC beta and T maps",
     {{NULL, "ModifiedBlackBody",
       {S("map_I", GNILC_DUST("template", "2023.02.10")),
        S("map_mbb_index", GNILC_DUST("beta", "2023.06.06")),
        S("map_mbb_temperature", GNILC_DUST("Td", "2023.06.06")), HIRES_REFS("353 GHz")}}}},
    {"d11", "thermal dust, GNILC large scales plus small scales drawn at run time (random "
            "unless seeds are given), MBB with stochastic beta and T",
     {{NULL, "ModifiedBlackBodyRealization",
       {S("amplitude_modulation_temp_alm", GNILC_RAW("temperature_modulation_alms_lmax768")),
        S("amplitude_modulation_pol_alm", GNILC_RAW("polarization_modulation_alms_lmax768")),
        S("largescale_alm",
          GNILC_RAW("largescale_template_logpoltens_alm_nside2048_lmax1024_complex64")),
        S("small_scale_cl", GNILC_RAW("small_scales_logpoltens_cl_lmax16384")),
        S("largescale_alm_mbb_index", GNILC_RAW("largescale_template_beta_alm_nside2048_lmax1024")),
        S("small_scale_cl_mbb_index", GNILC_RAW("small_scales_beta_cl_lmax16384_2023.06.06")),
        S("largescale_alm_mbb_temperature",
          GNILC_RAW("largescale_template_Td_alm_nside2048_lmax1024")),
        S("small_scale_cl_mbb_temperature", GNILC_RAW("small_scales_Td_cl_lmax16384_2023.06.06")),
        S("freq_ref", "353 GHz"), S("galplane_fix", GNILC_RAW("galplane")),
        S("galplane_fix_beta_Td", GNILC_RAW("beta_Td_galplane")), N("max_nside", 8192)}}}},
    {"d12", "thermal dust, MKD 3D model: six modified black body layers (nside 2048 templates)",
     {{NULL, "ModifiedBlackBodyLayers",
       {S("map_layers", "mkd_dust/2048/thermaldust_ampl{layer}.fits"), S("freq_ref", "353 GHz"),
        S("map_mbb_index", "mkd_dust/2048/thermaldust_specind{layer}.fits"),
        S("map_mbb_temperature", "mkd_dust/2048/thermaldust_temp{layer}.fits"),
        N("num_layers", 6), N("color_correction", 0.911), S("unit_layers", "MJy/sr"),
        S("unit_mbb_temperature", "K"), N("max_nside", 2048)}}}},
    {"s0", "synchrotron, power law with constant index -3",
     {{NULL, "PowerLaw", {SYNCH_PYSM2, N("map_pl_index", -3)}}}},
    {"s1", "synchrotron, power law with the WMAP-based index map",
     {{NULL, "PowerLaw", {SYNCH_PYSM2, S("map_pl_index", "pysm_2/synch_beta.fits")}}}},
    {"s2", "synchrotron, power law with a latitude-dependent index",
     {{NULL, "PowerLaw", {SYNCH_PYSM2, S("map_pl_index", "pysm_2/beta_latvar.fits")}}}},
    {"s3", "synchrotron, curved power law (curvature -0.052 at 23 GHz)",
     {{NULL, "CurvedPowerLaw",
       {SYNCH_PYSM2, S("map_pl_index", "pysm_2/synch_beta.fits"),
        N("spectral_curvature", -0.052), S("freq_curve", "23 GHz")}}}},
    {"s4", "synchrotron, templates to nside 8192, power law with constant index -3.1",
     {{NULL, "PowerLaw",
       {S("map_I", SYNCH_HIRES("template", "2023.02.25")), N("map_pl_index", -3.1),
        HIRES_REFS("23 GHz")}}}},
    {"s5", "synchrotron, templates to nside 8192, power law with an index map",
     {{NULL, "PowerLaw",
       {S("map_I", SYNCH_HIRES("template", "2023.02.25")),
        S("map_pl_index", SYNCH_HIRES("beta", "2023.02.16")), HIRES_REFS("23 GHz")}}}},
    {"s6", "synchrotron, large scales plus small scales drawn at run time (random unless "
            "seeds are given), power law with a stochastic index",
     {{NULL, "PowerLawRealization",
       {S("largescale_alm", SYNCH_RAW("largescale_template_logpoltens_alm_lmax128_2023.02.24")),
        S("amplitude_modulation_temp_alm", SYNCH_RAW("temperature_modulation_alms_lmax64_2023.02.24")),
        S("amplitude_modulation_pol_alm", SYNCH_RAW("polarization_modulation_alms_lmax64_2023.02.24")),
        S("amplitude_modulation_beta_alm", SYNCH_RAW("amplitude_modulation_alms_lmax768")),
        S("small_scale_cl", SYNCH_RAW("small_scales_cl_lmax16384_2023.02.24")),
        S("largescale_alm_pl_index", SYNCH_RAW("largescale_beta_alm_nside512_lmax768")),
        S("small_scale_cl_pl_index", SYNCH_RAW("small_scales_beta_cl_lmax16384")),
        S("freq_ref", "23 GHz"), N("max_nside", 8192), S("galplane_fix", SYNCH_RAW("galplane"))}}}},
    {"s7", "synchrotron, templates to nside 8192, curved power law with a curvature map",
     {{NULL, "CurvedPowerLaw",
       {S("map_I", SYNCH_HIRES("template", "2023.02.25")),
        S("map_pl_index", SYNCH_HIRES("beta", "2023.02.16")),
        S("spectral_curvature", SYNCH_HIRES("curvature", "2023.02.17")),
        S("freq_curve", "23 GHz"), HIRES_REFS("23 GHz")}}}},
    {"f1", "free-free, unpolarised power law with index -2.14 from 30 GHz",
     {{NULL, "PowerLaw",
       {S("map_I", "pysm_2/ff_t_new.fits"), S("unit_I", "uK_RJ"), N("map_pl_index", -2.14),
        S("freq_ref_I", "30 GHz"), B("has_polarization", 0)}}}},
    {"a1", "AME, two unpolarised spinning-dust components",
     {{"a1.comp1", "SpDust", {AME1}}, {"a1.comp2", "SpDust", {AME2}}}},
    {"a2", "AME, a1 with 2% polarisation along the dust angle",
     {{"a2.comp1", "SpDustPol", {AME1, AME_POL}}, {"a2.comp2", "SpDustPol", {AME2, AME_POL}}}},
    {"c1", "CMB, a lensed Gaussian realisation (seed 1111) from CAMB spectra, lensed by taylens",
     {{NULL, "CMBLensed",
       {S("cmb_spectra", "pysm_2/camb_lenspotentialCls.dat"), N("cmb_seed", 1111),
        B("apply_delens", 0), S("delensing_ells", "pysm_2/delens_ells.txt")}}}},
    {"c2", "CMB, a fixed lensed CMB map (uK_CMB)",
     {{NULL, "CMBMap", {S("map_IQU", "pysm_2/lensed_cmb.fits")}}}},
    {"c3", "CMB, the WebSky 0.4 unlensed CMB map (nside 512 or 4096 files)",
     {{NULL, "WebSkyCMB", {WEBSKY_CMB(0)}}}},
    {"c4", "CMB, the WebSky 0.4 lensed CMB map (nside 512 or 4096 files)",
     {{NULL, "WebSkyCMB", {WEBSKY_CMB(1)}}}},
    {"dip1", "CMB dipole, relativistic Doppler shift of the monopole (NPIPE direction and "
             "amplitude), intensity only",
     {{NULL, "CMBDipole", {DIPOLE}}}},
    {"dip2", "CMB dipole, first order with the frequency-dependent kinematic quadrupole, "
             "intensity only",
     {{NULL, "CMBDipole", {DIPOLE, B("quadrupole_correction", 1)}}}},
    {"tsz1", "thermal SZ, WebSky 0.4 Compton-y map (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("thermal", "websky/0.4/tsz_8192_hp.fits", 8192)}}}},
    {"tsz2", "thermal SZ, AGORA unlensed y map (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("thermal", AGORA("utsz", ""), 8192)}}}},
    {"tsz3", "thermal SZ, AGORA lensed y map (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("thermal", AGORA("ltsz", "_lensed"), 8192)}}}},
    {"tsz4", "thermal SZ, HalfDome 0.1 y map, realisation s100 (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("thermal", "halfdome/0.1/tsz/y_b16_halo_res1_s100.fits", 8192)}}}},
    {"ksz1", "kinetic SZ, WebSky 0.4 map (nside 4096)",
     {{NULL, "SimpleSZ", {SZ("kinetic", "websky/0.4/ksz.fits", 4096)}}}},
    {"ksz2", "kinetic SZ, AGORA unlensed map (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("kinetic", AGORA("uksz", ""), 8192)}}}},
    {"ksz3", "kinetic SZ, AGORA lensed map (nside 8192)",
     {{NULL, "SimpleSZ", {SZ("kinetic", AGORA("lksz", "_lensed"), 8192)}}}},
    {"co1", "CO lines 1-0, 2-1, 3-2 from the Planck Type 1 maps, unpolarised",
     {{NULL, "COLines", {B("has_polarization", 0)}}}},
    {"co2", "CO lines, co1 with 0.1% polarisation along the dust angle",
     {{NULL, "COLines", {B("has_polarization", 1), N("polarization_fraction", 0.001)}}}},
    {"co3", "CO lines, co2 with MCMole3D high Galactic latitude clouds",
     {{NULL, "COLines",
       {B("has_polarization", 1), N("polarization_fraction", 0.001),
        B("include_high_galactic_latitude_clouds", 1)}}}},
    {"cib1", "CIB, WebSky 0.4 maps on 46 frequencies (17-1080 GHz, SPT-corrected), "
             "interpolated linearly, intensity only",
     {{NULL, "WebSkyCIB", {WEBSKY_GRID("MJy / sr", 1)}}}},
    {"rg1", "radio galaxies below the catalogue cut, WebSky 0.4 maps on 46 frequencies, "
            "interpolated linearly, intensity only",
     {{NULL, "WebSkyRadioGalaxies", {WEBSKY_GRID("Jy / sr", 0)}}}},
    {"rg2", "radio galaxies, the WebSky 0.4 catalogue of sources above 1 mJy (HDF5), each "
            "painted with the beam or put in its pixel",
     {{NULL, "PointSourceCatalog",
       {S("catalog_filename",
          "websky/0.4/radio_catalog/websky_high_flux_catalog_1mJy_2025.09.09.h5"),
        N("max_nside", 8192)}}}},
    {"rg3", "radio galaxies, WebSky 0.4 background maps on 16 frequencies (1-1000 GHz) "
            "carrying a beam: needs --fwhm (the component smooths itself)",
     {{NULL, "InterpolatingComponent",
       {S("input_units", "uK_RJ"),
        S("freqs", "[1.0, 10.0, 18.7, 24.5, 44.0, 70.0, 100.0, 143.0, 217.0, 353.0, 545.0, "
                   "643.0, 729.0, 857.0, 906.0, 1000.0]"),
        S("path", "websky/0.4/radio_catalog/background/{nside}"),
        S("interpolation_kind", "linear"), S("available_nside", "[2048, 4096, 8192]"),
        S("pre_applied_beam", "{2048=5.1, 4096=2.6, 8192=0.9}"),
        S("pre_applied_beam_units", "arcmin"), N("max_nside", 8192)}}}},
};

int sky_preset_count(void)
{
    return (int)(sizeof presets / sizeof *presets);
}

const sky_preset *sky_preset_at(int i)
{
    return i >= 0 && i < sky_preset_count() ? &presets[i] : NULL;
}

const char *sky_preset_name(int i)
{
    const sky_preset *p = sky_preset_at(i);
    return p ? p->name : NULL;
}

const char *sky_preset_description(int i)
{
    const sky_preset *p = sky_preset_at(i);
    return p ? p->description : NULL;
}

const sky_preset *sky_preset_find(const char *name)
{
    for (int i = 0; i < sky_preset_count(); i++)
        if (!strcmp(presets[i].name, name))
            return &presets[i];
    return NULL;
}
