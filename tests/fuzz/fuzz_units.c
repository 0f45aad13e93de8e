/*
 * fuzz_units.c - unit and quantity strings: units (spectra/units.c) as
 * --unit, output_unit and the models' unit_* parameters give them, and the
 * quantities and lists of models/params.c ("545 GHz", "[2048, 4096]").
 * The input's first line is one string, the rest (if any) a second unit to
 * convert to.
 */
#include "fuzz.h"

#include "models/params.h"
#include "spectra/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    char *a = fuzz_string(data, size);
    char *nl = strchr(a, '\n');
    const char *b = "uK_CMB";
    if (nl) {
        *nl = '\0';
        b = nl + 1;
    }
    sky_unit u;
    int rc = sky_unit_parse(a, &u, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        volatile double j = sky_unit_to_jysr(&u, 100.0);
        (void)j;
    }
    fuzz_check(sky_unit_parse_output(a, &u, &err), &err);
    fuzz_check(sky_unit_check(a, &err), &err);
    double factor;
    fuzz_check(sky_unit_convert(a, b, 100.0, &factor, "the input", &err), &err);
    fuzz_check(sky_unit_convert(b, a, 1e-3, &factor, "the input", &err), &err);
    fuzz_check(sky_unit_convert_squared(a, b, &factor, "the input", &err), &err);

    double ghz;
    sky_parse_freq(a, &ghz);
    long long list[64];
    sky_parse_int_list(a, list, 64);

    /* the same strings as model parameters */
    sky_params ps = {0, NULL, "fuzz"};
    if (sky_params_set(&ps, "freq_ref", SKY_PARAM_STRING, a, 0, &err) ||
        sky_params_set(&ps, "available_nside", SKY_PARAM_STRING, a, 0, &err) ||
        sky_params_set(&ps, "unit", SKY_PARAM_STRING, b, 0, &err))
        abort();
    fuzz_check(sky_params_freq(&ps, "freq_ref", 1, &ghz, &err), &err);
    int n = 0;
    fuzz_check(sky_params_int_list(&ps, "available_nside", 1, 64, list, &n, &err), &err);
    fuzz_check(sky_params_check_used(&ps, "Fuzz", &err), &err);
    sky_params_free(&ps);
    free(a);
    return 0;
}
