/*
 * fuzz_options.c - command-line option values (cli/options.c and the
 * parsers of cli/smoothing.c and cli/cmd_plot.c): the input is an argument
 * list, one argument per line, parsed against a table holding the options
 * of `skymodel sim`, `smooth` and `plot` that take a number, a list, a unit
 * or a preset, then each value read as those commands read it. Options
 * naming files (--beam-window, --config, --bandpass ...) are left to the
 * targets of their formats.
 */
#include "fuzz.h"

#include "band_check.h"
#include "cli/options.h"
#include "cli/plot.h"
#include "cli/smoothing.h"
#include "spectra/units.h"

static const cli_option table[] = {
    {"preset", 'p', "LIST", "", 0},
    {"nside", 'n', "N", "", 0},
    {"freq", 'f', "GHZ", "", 0},
    {"freqs", 0, "LIST", "", 0},
    {"weights", 0, "LIST", "", 0},
    {"unit", 'u', "UNIT", "", 0},
    {"seed", 0, "N", "", 0},
    {"parts", 0, "K", "", 0},
    {"threads", 't', "N", "", 0},
    {"data-dir", 'd', "DIR", "", 1},
    SKY_SMOOTHING_OPTIONS
    {"field", 0, "F", "", 0},
    {"min", 0, "X", "", 0},
    {"max", 0, "X", "", 0},
    {"norm", 0, "N", "", 0},
    {"title", 0, "TEXT", "", 0},
    {"coord", 0, "C", "", 0},
    {"graticule", 'g', NULL, "", 0},
    {"width", 'w', "PIXELS", "", 0},
    {"force", 0, NULL, "", 0},
    {"quiet", 'q', NULL, "", 0},
};
#define NOPT ((int)(sizeof table / sizeof *table))

static void band(const char *opt, const char *list, const char *weights)
{
    sky_error err = {0};
    double *f = NULL, *w = NULL;
    int n = 0, nw = 0;
    int rc = cli_double_list(opt, list, &f, &n, &err);
    fuzz_check(rc, &err);
    if (rc)
        return;
    if (weights) {
        rc = cli_double_list("--weights", weights, &w, &nw, &err);
        fuzz_check(rc, &err);
    }
    if (!rc && (!w || nw == n)) {
        sky_band b = {n, f, w};
        rc = sky_band_check(&b, &err);
        fuzz_check(rc, &err);
        if (!rc)
            fuzz_check_band(&b);
    }
    free(f);
    free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    char *text = fuzz_string(data, size);
    /* argv: "skymodel" then one argument per line */
    int argc = 2;
    for (size_t i = 0; i < size; i++)
        argc += text[i] == '\n';
    char **argv = malloc((size_t)(argc + 1) * sizeof *argv);
    if (!argv)
        abort();
    argv[0] = "skymodel";
    argc = 1;
    for (char *s = text;; argc++) {
        argv[argc] = s;
        char *nl = strchr(s, '\n');
        if (!nl) {
            argc++;
            break;
        }
        *nl = '\0';
        s = nl + 1;
    }
    argv[argc] = NULL;

    cli_parsed p;
    int rc = cli_parse(table, NOPT, argc, argv, &p, &err);
    fuzz_check(rc, &err);
    if (rc)
        goto done;
    long long v, nside = 16;
    const char *s;
    if ((s = cli_get(&p, "nside"))) {
        if (cli_int("--nside", s, 1, 1 << 30, &v, &err))
            fuzz_check(SKY_EINVAL, &err);
        else if (v <= 8192 && !(v & (v - 1)))
            nside = v;
    }
    if ((s = cli_get(&p, "seed")))
        fuzz_check(cli_int("--seed", s, 0, 4294967295LL, &v, &err), &err);
    if ((s = cli_get(&p, "threads")))
        fuzz_check(cli_int("--threads", s, 1, 4096, &v, &err), &err);
    if ((s = cli_get(&p, "parts")))
        fuzz_check(cli_int("--parts", s, 1, 12 * nside * nside, &v, &err), &err);
    if ((s = cli_get(&p, "freq")))
        band("--freq", s, NULL);
    if ((s = cli_get(&p, "freqs")))
        band("--freqs", s, cli_get(&p, "weights"));
    if ((s = cli_get(&p, "unit"))) {
        sky_unit u;
        fuzz_check(sky_unit_parse_output(s, &u, &err), &err);
    }
    if ((s = cli_get(&p, "preset"))) {
        sky_config *cfg = sky_config_new();
        if (!cfg)
            abort();
        fuzz_check(cli_add_presets(cfg, s, &err), &err);
        sky_config_free(cfg);
    }
    if (!cli_get(&p, "beam-window")) {
        sky_smooth_opts o;
        sky_table beam = {0, 0, NULL};
        int on;
        fuzz_check(cli_read_smoothing(&p, (int)nside, &o, &on, &beam, &err), &err);
        sky_table_free(&beam);
    }
    cli_plot a;
    fuzz_check(cli_plot_args(&p, &a, &err), &err);
    size_t len = 0; /* a repeated option keeps every value */
    for (const char *const *d = cli_all(&p, "data-dir"); d && *d; d++)
        len += strlen(*d);
    (void)len;
    cli_parsed_free(&p);
done:
    free(argv);
    free(text);
    return 0;
}
