/*
 * instrument.c - reading instrument files (skymodel.h, "Instruments") with jansson.
 */
#define _POSIX_C_SOURCE 200809L
#include "skymodel.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/numeric.h"
#include "io/textfile.h"

void sky_instrument_free(sky_instrument *ins)
{
    for (int c = 0; ins->chan && c < ins->nchan; c++) {
        sky_instrument_channel *ch = &ins->chan[c];
        free(ch->name);
        free(ch->freq);
        free(ch->weight);
        free(ch->unit);
        free(ch->beam_window);
        free(ch->bandpass_file);
    }
    free(ins->chan);
    free(ins->presets);
    free(ins->unit);
    memset(ins, 0, sizeof *ins);
}

/* `rel` from the folder of `file`, unless absolute. */
static char *beside(const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    if (rel[0] == '/' || !slash)
        return strdup(rel);
    const size_t n = (size_t)(slash - file) + 1;
    char *p = malloc(n + strlen(rel) + 1);
    if (p) {
        memcpy(p, file, n);
        strcpy(p + n, rel);
    }
    return p;
}

static int only_keys(const char *path, const char *where, json_t *obj, const char *const *keys,
                     sky_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int known = 0;
        for (int k = 0; keys[k] && !known; k++)
            known = !strcmp(key, keys[k]);
        if (!known) {
            char list[512] = "";
            for (int k = 0; keys[k]; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         keys[k]);
            return sky_fail(err, SKY_EINVAL, "%s: %s has unknown key '%s': expected %s", path,
                            where, key, list);
        }
    }
    return SKY_OK;
}

static int get_string(const char *path, const char *where, json_t *obj, const char *key,
                      char **out, sky_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return SKY_OK;
    if (!json_is_string(v) || !json_string_length(v))
        return sky_fail(err, SKY_EINVAL, "%s: %s.%s: expected a non-empty string", path, where,
                        key);
    if (!(*out = strdup(json_string_value(v))))
        return sky_nomem(err, "the instrument");
    return SKY_OK;
}

/* A JSON array of numbers into a malloc'ed array. */
static int get_numbers(const char *path, const char *where, json_t *v, const char *key,
                       double **out, int *n, sky_error *err)
{
    *out = NULL;
    if (!json_is_array(v) || !json_array_size(v))
        return sky_fail(err, SKY_EINVAL, "%s: %s.%s: expected a non-empty list of numbers", path,
                        where, key);
    *n = (int)json_array_size(v);
    if (!(*out = malloc((size_t)*n * sizeof **out)))
        return sky_nomem(err, "the instrument");
    for (int i = 0; i < *n; i++) {
        json_t *x = json_array_get(v, (size_t)i);
        if (!json_is_number(x)) {
            free(*out);
            *out = NULL;
            return sky_fail(err, SKY_EINVAL, "%s: %s.%s[%d]: expected a number", path, where, key,
                            i);
        }
        (*out)[i] = json_number_value(x);
    }
    return SKY_OK;
}

/* A channel name usable as a file name everywhere: POSIX's portable
 * characters (and '+'), not hidden, not taken for an option. */
static int portable_name(const char *s)
{
    const size_t n = strlen(s);
    if (!n || n > SKY_CHANNEL_NAME_MAX || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("._+-", s[i]))
            return 0;
    return 1;
}

static int read_channel(const char *path, int index, json_t *obj, const sky_instrument *ins,
                        sky_instrument_channel *ch, sky_error *err)
{
    static const char *const keys[] = {"name",      "band_low_GHz", "band_high_GHz",
                                       "npoints",   "freqs_ghz",    "weights",
                                       "bandpass_file", "center_GHz", "fwhm_arcmin",
                                       "beam_window", "unit",       NULL};
    char where[64];
    int rc;
    snprintf(where, sizeof where, "channels[%d]", index);
    if (!json_is_object(obj))
        return sky_fail(err, SKY_EINVAL, "%s: %s: expected an object", path, where);
    if ((rc = only_keys(path, where, obj, keys, err)) ||
        (rc = get_string(path, where, obj, "name", &ch->name, err)) ||
        (rc = get_string(path, where, obj, "unit", &ch->unit, err)))
        return rc;
    if (!ch->name)
        return sky_fail(err, SKY_EINVAL, "%s: %s: missing \"name\"", path, where);
    if (!portable_name(ch->name))
        return sky_fail(err, SKY_EINVAL,
                        "%s: %s.name '%s': expected a file name of at most %d letters, digits "
                        "and . _ + - (not starting with '.' or '-')",
                        path, where, ch->name, SKY_CHANNEL_NAME_MAX);
    for (int c = 0; c < index; c++)
        if (!strcmp(ins->chan[c].name, ch->name))
            return sky_fail(err, SKY_EINVAL, "%s: %s.name '%s': already the name of channels[%d]",
                            path, where, ch->name, c);
    if (ch->unit && (rc = sky_unit_check(ch->unit, err)))
        return sky_prefix(err, rc, "%s: %s.unit: ", path, where);

    /* the band: exactly one of three forms */
    json_t *lo = json_object_get(obj, "band_low_GHz"), *hi = json_object_get(obj, "band_high_GHz"),
           *np = json_object_get(obj, "npoints"), *fl = json_object_get(obj, "freqs_ghz"),
           *wl = json_object_get(obj, "weights"), *bp = json_object_get(obj, "bandpass_file");
    const int forms = (lo || hi || np) + (fl != NULL) + (bp != NULL);
    if (forms != 1)
        return sky_fail(err, SKY_EINVAL,
                        "%s: %s: expected exactly one of band_low_GHz/band_high_GHz/npoints, "
                        "freqs_ghz or bandpass_file",
                        path, where);
    if (wl && !fl)
        return sky_fail(err, SKY_EINVAL, "%s: %s.weights: only with freqs_ghz", path, where);
    if (lo || hi || np) {
        if (!json_is_number(lo) || !json_is_number(hi))
            return sky_fail(err, SKY_EINVAL,
                            "%s: %s: band_low_GHz and band_high_GHz: expected two numbers", path,
                            where);
        if (!json_is_integer(np) || json_integer_value(np) < 1 ||
            json_integer_value(np) > 100000)
            return sky_fail(err, SKY_EINVAL, "%s: %s.npoints: expected an integer from 1 to 100000",
                            path, where);
        ch->nfreq = (int)json_integer_value(np);
        if (!(ch->freq = malloc((size_t)ch->nfreq * sizeof *ch->freq)))
            return sky_nomem(err, "the instrument");
        sky_linspace(json_number_value(lo), json_number_value(hi), ch->nfreq, ch->freq);
    } else if (fl) {
        if ((rc = get_numbers(path, where, fl, "freqs_ghz", &ch->freq, &ch->nfreq, err)))
            return rc;
        if (wl) {
            int nw = 0;
            if ((rc = get_numbers(path, where, wl, "weights", &ch->weight, &nw, err)))
                return rc;
            if (nw != ch->nfreq)
                return sky_fail(err, SKY_EINVAL,
                                "%s: %s.weights has %d values but freqs_ghz has %d: expected one "
                                "weight per frequency",
                                path, where, nw, ch->nfreq);
        }
    } else {
        if (!json_is_string(bp))
            return sky_fail(err, SKY_EINVAL, "%s: %s.bandpass_file: expected a file name", path,
                            where);
        char *file = beside(path, json_string_value(bp));
        if (!file)
            return sky_nomem(err, "the instrument");
        rc = sky_band_read(file, &ch->freq, &ch->weight, &ch->nfreq, err);
        ch->bandpass_file = file; /* for the header */
        if (rc)
            return sky_prefix(err, rc, "%s: %s: ", path, where);
    }
    sky_band band = {ch->nfreq, ch->freq, ch->weight};
    if ((rc = sky_band_check(&band, err)))
        return sky_prefix(err, rc, "%s: %s: ", path, where);

    json_t *fw = json_object_get(obj, "fwhm_arcmin");
    if (fw && (!json_is_number(fw) || !(json_number_value(fw) >= 0) ||
               !isfinite(json_number_value(fw))))
        return sky_fail(err, SKY_EINVAL, "%s: %s.fwhm_arcmin: expected a number >= 0", path,
                        where);
    ch->fwhm_arcmin = fw ? json_number_value(fw) : 0.0;
    char *bw = NULL;
    if ((rc = get_string(path, where, obj, "beam_window", &bw, err)))
        return rc;
    if (bw) {
        ch->beam_window = beside(path, bw);
        free(bw);
        if (!ch->beam_window)
            return sky_nomem(err, "the instrument");
        if (ch->fwhm_arcmin > 0)
            return sky_fail(err, SKY_EINVAL, "%s: %s: give fwhm_arcmin or beam_window, not both",
                            path, where);
    }
    return SKY_OK;
}

int sky_instrument_read(const char *path, sky_instrument *ins, sky_error *err)
{
    static const char *const keys[] = {"description", "sky", "output_unit", "channels", NULL};
    json_error_t jerr;
    int rc;
    memset(ins, 0, sizeof *ins);
    char *text;
    size_t len;
    if ((rc = sky_textfile_read(path, "JSON instrument file", SKY_INSTRUMENT_MAX_BYTES, &text, &len,
                                err)))
        return sky_prefix(err, rc, "instrument file ");
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!root)
        return sky_fail(err, SKY_EFORMAT, "instrument file %s line %d column %d: %s", path,
                        jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        rc = sky_fail(err, SKY_EFORMAT, "instrument file %s: expected a JSON object", path);
        goto done;
    }
    if ((rc = only_keys(path, "the instrument", root, keys, err)) ||
        (rc = get_string(path, "the instrument", root, "output_unit", &ins->unit, err)))
        goto done;
    if (ins->unit && (rc = sky_unit_check(ins->unit, err))) {
        sky_prefix(err, rc, "%s: output_unit: ", path);
        goto done;
    }
    json_t *sky = json_object_get(root, "sky");
    if (sky) {
        size_t len = 0;
        for (size_t i = 0; json_is_array(sky) && i < json_array_size(sky); i++) {
            json_t *p = json_array_get(sky, i);
            if (!json_is_string(p) || !json_string_length(p) || strchr(json_string_value(p), ',')) {
                rc = sky_fail(err, SKY_EINVAL, "%s: sky[%zu]: expected a preset name", path, i);
                goto done;
            }
            len += json_string_length(p) + 1;
        }
        if (!json_is_array(sky) || !json_array_size(sky)) {
            rc = sky_fail(err, SKY_EINVAL, "%s: sky: expected a list of preset names", path);
            goto done;
        }
        if (!(ins->presets = calloc(len, 1))) {
            rc = sky_nomem(err, "the instrument");
            goto done;
        }
        for (size_t i = 0; i < json_array_size(sky); i++) {
            if (i)
                strcat(ins->presets, ",");
            strcat(ins->presets, json_string_value(json_array_get(sky, i)));
        }
    }
    json_t *chans = json_object_get(root, "channels");
    if (!json_is_array(chans) || !json_array_size(chans)) {
        rc = sky_fail(err, SKY_EINVAL, "%s: channels: expected a non-empty list of channels",
                      path);
        goto done;
    }
    const int n = (int)json_array_size(chans);
    if (!(ins->chan = calloc((size_t)n, sizeof *ins->chan))) {
        rc = sky_nomem(err, "the instrument");
        goto done;
    }
    long long samples = 0; /* over all channels, capped */
    for (int c = 0; c < n && !rc; c++) {
        ins->nchan = c + 1;
        rc = read_channel(path, c, json_array_get(chans, (size_t)c), ins, &ins->chan[c], err);
        if (!rc && (samples += ins->chan[c].nfreq) > SKY_INSTRUMENT_MAX_SAMPLES)
            rc = sky_fail(err, SKY_EINVAL,
                          "%s: channels[%d]: the bands of channels[0..%d] hold %lld frequencies: "
                          "at most %d in all",
                          path, c, c, samples, SKY_INSTRUMENT_MAX_SAMPLES);
    }
done:
    json_decref(root);
    if (rc)
        sky_instrument_free(ins);
    return rc;
}
