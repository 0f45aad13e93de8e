/*
 * cmd_smooth.c - `skymodel smooth IN.fits -o OUT.fits`: the beam, rotation
 * and resolution change of `skymodel sim` applied to an existing HEALPix map
 * (I, Q, U when it has three or more columns, I alone otherwise).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "core/error.h"
#include "io/fits_map.h"
#include "options.h"
#include "parallel/comm.h"
#include "sim.h"
#include "smoothing.h"
#include "progress.h"

static const cli_option smooth_options[] = {
    {"output", 'o', "FILE", "output FITS map (none with --car-output: the CAR map alone)", 0},
    SKY_SMOOTHING_OPTIONS
    {"dtype", 0, "TYPE", "float32 (default) or float64 columns", 0},
    {"force", 0, NULL, "overwrite an existing output file", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof smooth_options / sizeof *smooth_options))

int sky_cmd_smooth(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    sky_table beam = {0, 0, NULL};
    sky_hmap in[3];
    int nin = 0, ncols = 0, rc, on, agreed = 0;
    double *map = NULL;
    char *car_path = NULL;
    sky_prov *prov = NULL;
    sky_smooth_opts o;
    sky_outdirs made = {0, NULL}; /* folders made for the outputs */
    if ((rc = cli_parse(smooth_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        if (sky_par_rank() == 0)
            cli_print_help("skymodel smooth IN.fits -o OUT.fits [--fwhm ARCMIN | --beam-window FILE] "
                       "[--lmax L] [--lsq-maxiter K] [--rotate A:B] [--out-nside N]",
                       "Applies PySM's apply_smoothing_and_coord_transform to a HEALPix map.",
                       smooth_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    const char *outpath = cli_get(&p, "output"), *dtype = cli_get(&p, "dtype");
    char units[3][64];
    if (p.npos != 1) {
        rc = sky_fail(&err, SKY_EINVAL, "expected one input map, got %d (see skymodel smooth "
                      "--help)", p.npos);
        goto done;
    }
    if (!outpath && !cli_get(&p, "car-output")) {
        rc = sky_fail(&err, SKY_EINVAL, "-o/--output is required (for a CAR map alone: "
                      "--car-resol ARCMIN --car-output FILE)");
        goto done;
    }
    if (dtype && strcmp(dtype, "float32") && strcmp(dtype, "float64")) {
        rc = sky_fail(&err, SKY_EINVAL, "--dtype '%s': expected float32 or float64", dtype);
        goto done;
    }
    if (outpath && sky_par_rank() == 0 &&
        (rc = sky_output_file("-o", outpath, cli_has(&p, "force"), &made, &err)))
        goto done;
    int nside = 0;
    if ((rc = sky_fits_map_shape(p.pos[0], &ncols, &nside, &err)))
        goto done;
    nin = ncols >= 3 ? 3 : 1;
    char frame = 0;
    if ((rc = cli_read_smoothing(&p, nside, &o, &on, &beam, &err)) ||
        (rc = sky_fits_map_frame(p.pos[0], &frame, &err)) ||
        (rc = cli_check_outputs(&p, outpath, &o, &made, &err))) {
        nin = 0;
        goto done;
    }
    if (o.rot_from && frame && frame != o.rot_from) {
        if (frame == o.rot_to)
            rc = sky_fail(&err, SKY_EINVAL, "%s has COORDSYS '%c' but --rotate %c:%c rotates "
                          "from %c: the map is in %c already (drop --rotate)", p.pos[0], frame,
                          o.rot_from, o.rot_to, o.rot_from, frame);
        else
            rc = sky_fail(&err, SKY_EINVAL, "%s has COORDSYS '%c' but --rotate %c:%c rotates "
                          "from %c: expected --rotate %c:%c", p.pos[0], frame, o.rot_from,
                          o.rot_to, o.rot_from, frame, o.rot_to);
        nin = 0;
        goto done;
    }
    if (!o.rot_from && frame) /* no rotation: the output keeps the input's frame */
        o.rot_from = o.rot_to = frame;
    /* under mpirun each process reads and smooths its part of the map */
    sky_region part;
    sky_region_part(nside, sky_par_rank(), sky_par_size(), &part);
    const int fields[3] = {0, 1, 2};
    if ((rc = sky_fits_read_map_part(p.pos[0], nin, fields, &part, in, units, &err))) {
        nin = 0;
        goto done;
    }
    for (int c = 0; c < nin && !rc; c++) { /* as the templates of a sky: no holes */
        int64_t first_bad, nbad = sky_hmap_count_bad(&in[c], &first_bad);
        if (nbad)
            rc = sky_fail(&err, SKY_EFORMAT, "%s column %d: %lld pixel%s NaN, Inf or UNSEEN "
                          "(the first: pixel %lld): expected values everywhere", p.pos[0], c + 1,
                          (long long)nbad, nbad == 1 ? " is" : "s are", (long long)first_bad);
    }
    if (rc)
        goto done;
    const int64_t npix = in[0].nheld;
    if (!(map = malloc((size_t)(nin * (npix > 0 ? npix : 1)) * sizeof *map)) ||
        !(car_path = cli_car_path(&p, outpath))) {
        rc = sky_nomem(&err, "the maps");
        goto done;
    }
    for (int c = 0; c < nin; c++)
        for (int64_t q = 0; q < npix; q++)
            map[c * npix + q] = in[c].f ? (double)in[c].f[q] : in[c].d[q];
    const char *u[] = {units[0], nin > 1 ? units[1] : "", nin > 2 ? units[2] : ""};
    /* the input's provenance, kept; what smoothing changes is said after it */
    if (!(prov = sky_prov_new())) {
        rc = sky_nomem(&err, "the header cards");
        goto done;
    }
    if ((rc = sky_prov_read_map(prov, p.pos[0], &err)))
        goto done;
    if (!sky_prov_get(prov, "POLCCONV"))
        sky_prov_set_string(prov, "POLCCONV", "COSMO", "assumed: HEALPix's convention");
    sky_prov_begin_step(prov, "skymodel smooth");
    { /* the step and its options as given */
        size_t len = 64;
        for (int i = 1; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *line = malloc(len);
        if (line) {
            size_t at = (size_t)snprintf(line, len, "skymodel %s smooth", SKY_VERSION_STRING);
            for (int i = 1; i < argc; i++)
                at += (size_t)snprintf(line + at, len - at, " %s", argv[i]);
            sky_prov_history(prov, line);
            free(line);
        } else {
            rc = sky_nomem(&err, "the header cards");
            goto done;
        }
    }
    sky_prov_set_string(prov, "CREATOR", "skymodel " SKY_VERSION_STRING,
                        "PySM " SKY_PYSM_VERSION " in C");
    sky_prov_set_string(prov, "SKYMVER", SKY_VERSION_STRING, "skymodel version");
    sky_prov_set_string(prov, "PYSMVER", SKY_PYSM_VERSION, "PySM version whose numbers it gives");
    sky_prov_set_string(prov, "SMINPUT", p.pos[0], "map smoothed (skymodel smooth)");
    sky_prov_set_string(prov, "DTYPE", dtype ? dtype : "float32", "--dtype");
    if ((rc = sky_prov_status(prov, &err)))
        goto done;
    const int dt = dtype && !strcmp(dtype, "float64") ? SKY_FLOAT64 : SKY_FLOAT32;
    const int verbose = cli_has(&p, "quiet") ? 0 : 1;
    cli_progress_init(verbose);
    if (sky_par_size() > 1) {
        agreed = 1;
        if (!(rc = sky_par_agree(SKY_OK, &err)))
            rc = cli_smooth_part_and_write(map, nside, nin, &o, cli_get(&p, "beam-window"),
                                           outpath, o.car_res_rad > 0 ? car_path : NULL, u, prov,
                                           dt, cli_has(&p, "force"), verbose, &err);
        goto done;
    }
    rc = cli_smooth_and_write(map, nside, nin, &o, cli_get(&p, "beam-window"), outpath, car_path,
                              u, prov, dt, cli_has(&p, "force"), verbose, &err);
done:
    if (!agreed) /* under mpirun: a check that failed here fails every process */
        rc = sky_par_agree(rc, &err);
    if (rc)
        sky_outdirs_undo(&made);
    else
        sky_outdirs_free(&made);
    for (int c = 0; c < nin; c++)
        sky_hmap_free(&in[c]);
    sky_table_free(&beam);
    sky_prov_free(prov);
    free(map);
    free(car_path);
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
