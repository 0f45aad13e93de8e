/*
 * _skymodel.c - the CPython extension behind `import skymodel`: the C
 * library's sky, evaluation, bandpass unit conversion and smoothing, with
 * NumPy arrays in and out. Python-typed conveniences (astropy quantities and
 * unit objects, PySM's keyword names) are in skymodel/__init__.py; every
 * check and computation is the library's.
 *
 * Behaviour: the GIL is released while the library works; an evaluation runs
 * in chunks of pixels, re-taking the GIL between chunks to run Python's
 * signal handlers, so that Ctrl-C raises KeyboardInterrupt within about a
 * chunk's time. Library errors become ValueError (SKY_EINVAL),
 * FileNotFoundError (SKY_ENOTFOUND), OSError (SKY_EFORMAT, SKY_EIO),
 * MemoryError or RuntimeError (a bug), with the library's one-line message.
 * Maps are allocated here (sky_big_alloc: transparent huge pages, as NumPy
 * asks for its large arrays; 4 KB page faults made an nside-512 evaluation
 * 1.6 times slower) and handed to NumPy without a copy: the array's base is
 * a capsule that frees the buffer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/heap.h"
#include "parallel/threads.h"
#include "sht/sht.h"
#include "skymodel.h"

/* ------------------------------------------------------------------------ */
/* errors and arrays                                                        */
/* ------------------------------------------------------------------------ */

static PyObject *raise_sky(int rc, const sky_error *err)
{
    PyObject *type;
    switch (rc) {
    case SKY_EINVAL:
        type = PyExc_ValueError;
        break;
    case SKY_ENOTFOUND:
        type = PyExc_FileNotFoundError;
        break;
    case SKY_EFORMAT:
    case SKY_EIO:
        type = PyExc_OSError;
        break;
    case SKY_ENOMEM:
        type = PyExc_MemoryError;
        break;
    default:
        type = PyExc_RuntimeError;
    }
    PyErr_SetString(type, err->msg[0] ? err->msg : "skymodel: unknown error");
    return NULL;
}

static void capsule_free(PyObject *cap)
{
    free(PyCapsule_GetPointer(cap, "skymodel.buffer"));
}

/* An array of `nd` dims over the malloc'ed `data`, which it then owns (freed
 * here on failure). */
static PyObject *wrap_buffer(void *data, int nd, npy_intp *dims, int typenum)
{
    PyObject *arr = PyArray_SimpleNewFromData(nd, dims, typenum, data);
    if (!arr) {
        free(data);
        return NULL;
    }
    PyObject *cap = PyCapsule_New(data, "skymodel.buffer", capsule_free);
    if (!cap) {
        Py_DECREF(arr);
        free(data);
        return NULL;
    }
    if (PyArray_SetBaseObject((PyArrayObject *)arr, cap) < 0) { /* steals cap */
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* float64 values rounded to float32 in place (they are float32 numbers
 * already): the buffer then holds n floats; shrunk when possible. */
static void *to_f32_inplace(double *d, size_t n)
{
    float *f = (float *)d;
    for (size_t i = 0; i < n; i++)
        f[i] = (float)d[i];
    void *s = realloc(d, n * sizeof(float) > 0 ? n * sizeof(float) : 1);
    return s ? s : d;
}

/* A 1-D float64 C-contiguous array from any number or sequence (a scalar
 * becomes one element). `what` names it in messages. New reference. */
static PyArrayObject *as_vector(PyObject *o, const char *what)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(o, NPY_DOUBLE, 0, 1,
                                                         NPY_ARRAY_CARRAY | NPY_ARRAY_FORCECAST);
    if (!a) {
        if (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "%s: expected a number or a 1-D array of numbers",
                         what);
        }
        return NULL;
    }
    if (PyArray_NDIM(a) == 0) {
        npy_intp one = 1;
        PyArray_Dims d = {&one, 1};
        PyArrayObject *r = (PyArrayObject *)PyArray_Newshape(a, &d, NPY_CORDER);
        Py_DECREF(a);
        a = r;
    }
    return a;
}

/* A band from freqs (GHz) and weights (or None): references in *fa, *wa. */
static int make_band(PyObject *freqs, PyObject *weights, sky_band *band, PyArrayObject **fa,
                     PyArrayObject **wa)
{
    *fa = *wa = NULL;
    if (!(*fa = as_vector(freqs, "freq")))
        return -1;
    npy_intp n = PyArray_DIM(*fa, 0);
    if (n < 1 || n > 1000000) {
        PyErr_Format(PyExc_ValueError, "freq: %zd frequencies: expected 1 to 1000000",
                     (Py_ssize_t)n);
        return -1;
    }
    band->n = (int)n;
    band->freq_ghz = PyArray_DATA(*fa);
    band->weight = NULL;
    if (weights && weights != Py_None) {
        if (!(*wa = as_vector(weights, "weights")))
            return -1;
        if (PyArray_DIM(*wa, 0) != n) {
            PyErr_Format(PyExc_ValueError,
                         "weights has %zd values but freq has %zd: expected one weight per "
                         "frequency",
                         (Py_ssize_t)PyArray_DIM(*wa, 0), (Py_ssize_t)n);
            return -1;
        }
        band->weight = PyArray_DATA(*wa);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* the Sky type                                                             */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    sky_sky *sky;
    int threads; /* 0: the default */
} SkyObject;

static void Sky_dealloc(SkyObject *self)
{
    sky_free(self->sky);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* a str item of a sequence, as UTF-8 (borrowed from the item) */
static const char *str_item(PyObject *seq, Py_ssize_t i, const char *what)
{
    PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
    if (!PyUnicode_Check(it)) {
        PyErr_Format(PyExc_TypeError, "%s: expected strings", what);
        return NULL;
    }
    return PyUnicode_AsUTF8(it);
}

/* components: a list of (label, class, join_group, [(key, value), ...]) */
static int add_components(sky_config *cfg, PyObject *comps, sky_error *err, int *rc)
{
    PyObject *seq = PySequence_Fast(comps, "component_config: expected a list of components");
    if (!seq)
        return -1;
    int status = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq) && !status && !*rc; i++) {
        const char *label, *cls;
        int join, index;
        PyObject *params;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "ssiO;component", &label, &cls,
                              &join, &params)) {
            status = -1;
            break;
        }
        if ((*rc = sky_config_add_component(cfg, label, cls, join, &index, err)))
            break;
        PyObject *ps = PySequence_Fast(params, "component parameters: expected a list");
        if (!ps) {
            status = -1;
            break;
        }
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(ps) && !*rc; k++) {
            const char *key;
            PyObject *v;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(ps, k), "sO;parameter", &key, &v)) {
                status = -1;
                break;
            }
            if (PyBool_Check(v)) {
                *rc = sky_config_set_bool(cfg, index, key, v == Py_True, err);
            } else if (PyUnicode_Check(v)) {
                const char *s = PyUnicode_AsUTF8(v);
                if (!s) {
                    status = -1;
                    break;
                }
                *rc = sky_config_set_string(cfg, index, key, s, err);
            } else if (PyFloat_Check(v) || PyLong_Check(v)) {
                double d = PyFloat_AsDouble(v);
                if (d == -1.0 && PyErr_Occurred()) {
                    status = -1;
                    break;
                }
                *rc = sky_config_set_number(cfg, index, key, d, err);
            } else {
                PyErr_Format(PyExc_TypeError,
                             "component %s, parameter %s: expected a string, number or bool",
                             label, key);
                status = -1;
            }
        }
        Py_DECREF(ps);
    }
    Py_DECREF(seq);
    return status;
}

static int Sky_init(SkyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"nside", "presets", "components", "config_files", "data_dirs",
                             "seed", "threads", "offline", "part", "nparts", "cache_dir",
                             "data_url", "exact_sed", NULL};
    int nside, threads = 0, offline = 0, part = 0, nparts = 1, exact_sed = 0;
    long long seed = SKY_SEED_PRESET;
    PyObject *presets, *comps, *files, *dirs;
    const char *cache_dir = NULL, *data_url = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iOOOO|Lipiizzp", kwlist, &nside, &presets,
                                     &comps, &files, &dirs, &seed, &threads, &offline, &part,
                                     &nparts, &cache_dir, &data_url, &exact_sed))
        return -1;
    if (self->sky) {
        sky_free(self->sky);
        self->sky = NULL;
    }
    if (threads < 0) {
        PyErr_Format(PyExc_ValueError, "threads %d: expected a positive number", threads);
        return -1;
    }
    if (seed != SKY_SEED_PRESET && (seed < 0 || seed > 4294967295LL)) {
        PyErr_Format(PyExc_ValueError, "seed %lld: expected 0 to 4294967295", seed);
        return -1;
    }
    self->threads = threads;
    sky_error err = {0, ""};
    int rc = 0, status = -1;
    const char **dirv = NULL;
    sky_config *cfg = sky_config_new();
    PyObject *ps = PySequence_Fast(presets, "preset_strings: expected a list of strings");
    PyObject *fs = PySequence_Fast(files, "config files: expected a list of paths");
    PyObject *ds = PySequence_Fast(dirs, "data_dir: expected a list of folders");
    if (!cfg) {
        PyErr_NoMemory();
        goto done;
    }
    if (!ps || !fs || !ds)
        goto done;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(ps) && !rc; i++) {
        const char *name = str_item(ps, i, "preset_strings");
        if (!name)
            goto done;
        rc = sky_config_add_preset(cfg, name, &err);
    }
    if (!rc && add_components(cfg, comps, &err, &rc))
        goto done;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fs) && !rc; i++) {
        const char *path = str_item(fs, i, "component_config");
        if (!path)
            goto done;
        rc = sky_config_add_file(cfg, path, &err);
    }
    if (rc) {
        raise_sky(rc, &err);
        goto done;
    }
    const Py_ssize_t nd = PySequence_Fast_GET_SIZE(ds);
    if (!(dirv = calloc((size_t)nd + 1, sizeof *dirv))) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < nd; i++)
        if (!(dirv[i] = str_item(ds, i, "data_dir")))
            goto done;
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.data_dirs = dirv;
    opt.offline = offline;
    opt.exact_sed = exact_sed;
    opt.seed = seed;
    opt.part = part;
    opt.nparts = nparts;
    opt.cache_dir = cache_dir;
    opt.data_url = data_url;
    sky_sky *sky = NULL;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
    if (threads > 0)
        omp_set_num_threads(threads);
#endif
    rc = sky_create(cfg, &opt, &sky, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        raise_sky(rc, &err);
        goto done;
    }
    self->sky = sky;
    status = 0;
done:
    free(dirv);
    Py_XDECREF(ps);
    Py_XDECREF(fs);
    Py_XDECREF(ds);
    sky_config_free(cfg);
    return status;
}

static int check_sky(SkyObject *self)
{
    if (!self->sky) {
        PyErr_SetString(PyExc_RuntimeError, "the sky was not created");
        return -1;
    }
    return 0;
}

/* The pixels evaluated: the part's ranges (the whole sky unless a part). */
typedef struct {
    int n;
    int64_t first[2], count[2], total;
} pixel_ranges;

static void get_ranges(const sky_sky *sky, pixel_ranges *r)
{
    r->n = sky_part_ranges(sky, r->first, r->count);
    r->total = 0;
    for (int i = 0; i < r->n; i++)
        r->total += r->count[i];
}

/* nchan channels over the sky's pixels in chunks of `chunk`, into out[c]
 * (3 x total doubles each: the I, Q, U rows over the held pixels in order),
 * each chunk written in place through the library's channel pipeline (its
 * block step, as the command line's maps); signals checked between chunks.
 * Returns 0, or -1 with a Python error set. Called with the GIL held. */
static int evaluate(SkyObject *self, int nchan, const sky_band *bands, const char *const *units,
                    const sky_smooth_opts *const *smooth, double *const *out, int64_t chunk)
{
    pixel_ranges r;
    get_ranges(self->sky, &r);
    if (chunk < 1024)
        chunk = 1024;
    double **at = calloc((size_t)nchan, sizeof *at);
    sky_channel *chans = calloc((size_t)nchan, sizeof *chans);
    if (!at || !chans) {
        free(at);
        free(chans);
        PyErr_NoMemory();
        return -1;
    }
    for (int c = 0; c < nchan; c++) {
        sky_channel_init(&chans[c]);
        chans[c].band = bands[c];
        chans[c].unit = units[c];
        chans[c].smooth = smooth ? smooth[c] : NULL; /* leaves out what smooths itself */
    }
    sky_error err = {0, ""};
    int status = 0;
    int64_t done = 0; /* pixels written so far, over the ranges */
    sky_bands *prepared = NULL; /* once for every chunk */
    int prc;
    Py_BEGIN_ALLOW_THREADS
    prc = sky_channels_prepare(self->sky, nchan, chans, &prepared, &err);
    Py_END_ALLOW_THREADS
    if (prc) {
        raise_sky(prc, &err);
        status = -1;
    }
    for (int i = 0; i < r.n && !status; i++)
        for (int64_t p = r.first[i]; p < r.first[i] + r.count[i]; p += chunk) {
            const int64_t end = r.first[i] + r.count[i], m = end - p < chunk ? end - p : chunk;
            for (int c = 0; c < nchan; c++)
                at[c] = out[c] + done;
            int rc;
            Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
            if (self->threads > 0)
                omp_set_num_threads(self->threads);
#endif
            rc = sky_channels_range_prepared(prepared, nchan, chans, p, m, at, r.total, &err);
            Py_END_ALLOW_THREADS
            done += m;
            if (rc) {
                raise_sky(rc, &err);
                status = -1;
            } else if (PyErr_CheckSignals() < 0) {
                status = -1;
            }
            if (status)
                break;
        }
    sky_bands_free(prepared);
    free(at);
    free(chans);
    return status;
}

/* Smoothing options from the module's arguments (fwhm in radians, a beam
 * window array or None, lmax, least-squares iterations, output nside, a
 * coordinate pair or NULL, CAR resolution in radians): *o set, the beam
 * converted into *beam (a new reference the caller drops, NULL without one),
 * the CAR shape into ny, nx. 0, or -1 with a Python error. */
static int smooth_opts_from(double fwhm, PyObject *beamo, int lmax, int maxiter, int nside_out,
                            const char *rot, double car_res, sky_smooth_opts *o,
                            PyArrayObject **beam, int *ny, int *nx)
{
    sky_smooth_opts_init(o);
    o->fwhm_rad = fwhm;
    o->lmax = lmax;
    o->lsq_maxiter = maxiter;
    o->nside_out = nside_out;
    o->car_res_rad = car_res;
    *beam = NULL;
    *ny = *nx = 0;
    if (rot) {
        if (strlen(rot) != 2) {
            PyErr_Format(PyExc_ValueError, "rot %s: expected a pair of coordinates among G, C, E",
                         rot);
            return -1;
        }
        o->rot_from = rot[0];
        o->rot_to = rot[1];
    }
    if (beamo != Py_None) {
        *beam = (PyArrayObject *)PyArray_FROMANY(beamo, NPY_DOUBLE, 1, 2,
                                                 NPY_ARRAY_CARRAY | NPY_ARRAY_FORCECAST);
        if (!*beam)
            return -1;
        /* (len,) or (ncols, len) column-major as the library wants them */
        o->beam = PyArray_DATA(*beam);
        o->beam_ncols = PyArray_NDIM(*beam) == 1 ? 1 : (int)PyArray_DIM(*beam, 0);
        o->beam_len = (int)PyArray_DIM(*beam, PyArray_NDIM(*beam) - 1);
    }
    sky_error err = {0, ""};
    int rc;
    if (car_res > 0 && (rc = sky_car_shape(car_res, ny, nx, &err))) {
        raise_sky(rc, &err);
        return -1;
    }
    if (nside_out < 0 || nside_out > 8192 || (nside_out & (nside_out - 1))) {
        PyErr_Format(PyExc_ValueError, "output_nside %d: expected a power of two from 1 to 8192",
                     nside_out);
        return -1;
    }
    return 0;
}

/* smooth: a list with, per channel, None (unsmoothed) or a tuple (fwhm_rad,
 * beam or None, lmax, lsq_maxiter, nside_out, rot or None) into so[c] and
 * *sp (sp[c] = &so[c] or NULL); nside_out[c] receives the output nside.
 * 0, or -1 with a Python error. */
static int parse_smoothing(SkyObject *self, PyObject *smooth, Py_ssize_t n, int64_t held,
                           sky_smooth_opts *so, PyArrayObject **beams, sky_smooth_opts ***sp,
                           int *nside_out)
{
    PyObject *seq = PySequence_Fast(smooth, "smooth: expected a list, one entry per channel");
    if (!seq)
        return -1;
    int status = -1;
    if (PySequence_Fast_GET_SIZE(seq) != n) {
        PyErr_Format(PyExc_ValueError, "smooth: %zd entries for %zd channels",
                     PySequence_Fast_GET_SIZE(seq), n);
        goto done;
    }
    if (!(*sp = calloc((size_t)n, sizeof **sp))) {
        PyErr_NoMemory();
        goto done;
    }
    const int nside = sky_nside(self->sky);
    for (Py_ssize_t c = 0; c < n; c++) {
        PyObject *t = PySequence_Fast_GET_ITEM(seq, c), *beamo;
        if (t == Py_None)
            continue;
        if (held != sky_npix(self->sky)) {
            PyErr_SetString(PyExc_ValueError, "smoothing needs the whole sky: gather() the "
                            "ranks' maps (Sky(comm=...)) and smooth them with "
                            "apply_smoothing_and_coord_transform");
            goto done;
        }
        double fwhm;
        int lmax, maxiter, nout;
        const char *rot;
        if (!PyArg_ParseTuple(t, "dOiiiz;smooth entry", &fwhm, &beamo, &lmax, &maxiter, &nout,
                              &rot))
            goto done;
        int ny, nx;
        if (smooth_opts_from(fwhm, beamo, lmax, maxiter, nout, rot, 0.0, &so[c], &beams[c], &ny,
                             &nx))
            goto done;
        nside_out[c] = nout > 0 ? nout : nside;
        (*sp)[c] = &so[c];
    }
    status = 0;
done:
    Py_DECREF(seq);
    return status;
}

/* Channel map *map (3 x npix, evaluated without the components that smooth
 * themselves) through the library's smoothing step (sky_channel_smooth_map:
 * the transforms, then those components' own smoothed maps added); *map is
 * replaced by the result. 0, or -1 with a Python error. GIL released. */
static int smooth_channel(SkyObject *self, const sky_band *band, const char *unit,
                          const sky_smooth_opts *o, double **map)
{
    sky_channel ch;
    sky_channel_init(&ch);
    ch.band = *band;
    ch.unit = unit;
    ch.smooth = o;
    sky_smoothed res;
    sky_error err = {0, ""};
    int rc;
    Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
    if (self->threads > 0)
        omp_set_num_threads(self->threads);
#endif
    rc = sky_channel_smooth_map(self->sky, &ch, *map, 1, &res, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        raise_sky(rc, &err);
        return -1;
    }
    if (res.own) { /* a new map at another nside: the input is done with */
        free(*map);
        *map = res.hp;
    }
    free(res.car);
    return 0;
}

/* The smoothed channels whose smoothing is the same, two or more of them,
 * through a compressed basis (sky_channels_compress, issue 22): out[c] is
 * replaced by the smoothed map and compressed[c] set; a group that does not
 * compress is left to smooth_channel. 0, or -1 with a Python error. */
static int compress_groups(SkyObject *self, Py_ssize_t n, const sky_band *bands,
                           const char *const *units, sky_smooth_opts *const *sp, double **out,
                           double tol, int *compressed)
{
    int *members = malloc((size_t)n * sizeof *members), *group = malloc((size_t)n * sizeof *group);
    sky_channel *ch = malloc((size_t)n * sizeof *ch);
    int status = -1;
    if (!members || !group || !ch) {
        PyErr_NoMemory();
        goto done;
    }
    sky_smooth_groups((int)n, (const sky_smooth_opts *const *)sp, group);
    for (Py_ssize_t g = 0; g < n; g++) {
        if (group[g] != g)
            continue;
        int m = 0;
        for (Py_ssize_t c = g; c < n; c++)
            if (group[c] == g)
                members[m++] = (int)c;
        if (m < 2)
            continue;
        for (int k = 0; k < m; k++) {
            sky_channel_init(&ch[k]);
            ch[k].band = bands[members[k]];
            ch[k].unit = units[members[k]];
            ch[k].smooth = sp[members[k]];
        }
        sky_compressed cm;
        sky_error err = {0, ""};
        int rc;
        Py_BEGIN_ALLOW_THREADS
#ifdef _OPENMP
        if (self->threads > 0)
            omp_set_num_threads(self->threads);
#endif
        rc = sky_channels_compress(self->sky, m, ch, tol, &cm, &err);
        for (int k = 0; !rc && !cm.fallback && k < m; k++) {
            sky_smoothed r;
            if ((rc = sky_compressed_channel(self->sky, &cm, &ch[k], k, &r, &err)))
                break;
            free(out[members[k]]);
            out[members[k]] = r.hp; /* owned (r.own), no CAR map asked for */
            free(r.car);
            compressed[members[k]] = 1;
        }
        sky_compressed_free(&cm); /* zeroed when the compression failed */
        Py_END_ALLOW_THREADS
        if (rc) {
            raise_sky(rc, &err);
            goto done;
        }
    }
    status = 0;
done:
    free(members);
    free(group);
    free(ch);
    return status;
}

/* channels given as a sequence of (freqs, weights, unit): a list of arrays */
static PyObject *Sky_emission_channels(SkyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"channels", "chunk", "smooth", "compress_tol", NULL};
    PyObject *chans, *smooth = Py_None;
    long long chunk = 1 << 20;
    double compress_tol = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|LOd", kwlist, &chans, &chunk, &smooth,
                                     &compress_tol))
        return NULL;
    if (compress_tol != 0 && !(compress_tol > 0 && isfinite(compress_tol))) {
        PyErr_Format(PyExc_ValueError, "compress_tol %g: expected a positive number (the "
                     "largest reconstruction error over a channel's RMS, e.g. 1e-6)",
                     compress_tol);
        return NULL;
    }
    if (check_sky(self))
        return NULL;
    PyObject *seq = PySequence_Fast(chans, "channels: expected a list of (freq, weights, unit)");
    if (!seq)
        return NULL;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *result = NULL;
    if (n < 1 || n > 100000) {
        PyErr_Format(PyExc_ValueError, "%zd channels: expected 1 to 100000", n);
        Py_DECREF(seq);
        return NULL;
    }
    sky_band *bands = calloc((size_t)n, sizeof *bands);
    const char **units = calloc((size_t)n, sizeof *units);
    PyArrayObject **arrs = calloc((size_t)(2 * n), sizeof *arrs);
    double **out = calloc((size_t)n, sizeof *out);
    int *f32 = calloc((size_t)n, sizeof *f32);
    sky_smooth_opts *so = calloc((size_t)n, sizeof *so), **sp = NULL;
    PyArrayObject **beams = calloc((size_t)n, sizeof *beams);
    int *nside_out = calloc((size_t)n, sizeof *nside_out);
    int *compressed = calloc((size_t)n, sizeof *compressed);
    pixel_ranges r;
    get_ranges(self->sky, &r);
    if (!bands || !units || !arrs || !out || !f32 || !so || !beams || !nside_out || !compressed) {
        PyErr_NoMemory();
        goto done;
    }
    if (smooth != Py_None && parse_smoothing(self, smooth, n, r.total, so, beams, &sp, nside_out))
        goto done;
    for (Py_ssize_t c = 0; c < n; c++) {
        PyObject *f, *w;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, c), "OOs;channel", &f, &w, &units[c]))
            goto done;
        if (make_band(f, w, &bands[c], &arrs[2 * c], &arrs[2 * c + 1]))
            goto done;
        sky_error err = {0, ""};
        int rc = sky_emission_f32(self->sky, &bands[c], units[c], &f32[c], &err);
        if (rc) {
            raise_sky(rc, &err);
            goto done;
        }
    }
    for (Py_ssize_t c = 0; c < n; c++)
        if (!(out[c] = sky_big_alloc((size_t)(3 * (r.total > 0 ? r.total : 1)) * sizeof(double)))) {
            PyErr_NoMemory();
            goto done;
        }
    if (evaluate(self, (int)n, bands, units, (const sky_smooth_opts *const *)sp, out,
                 (int64_t)chunk))
        goto done;
    if (sp && compress_tol > 0 &&
        compress_groups(self, n, bands, units, (sky_smooth_opts *const *)sp, out, compress_tol,
                        compressed))
        goto done;
    for (Py_ssize_t c = 0; sp && c < n; c++) /* the library's smoothing step */
        if (sp[c] && !compressed[c] && smooth_channel(self, &bands[c], units[c], sp[c], &out[c]))
            goto done;
    if (!(result = PyList_New(n)))
        goto done;
    for (Py_ssize_t c = 0; c < n; c++) {
        const int smoothed = sp && sp[c];
        npy_intp dims[2] = {3, smoothed ? 12 * (npy_intp)nside_out[c] * nside_out[c]
                                        : (npy_intp)r.total};
        const int as32 = f32[c] && !smoothed; /* a smoothed map is float64, as PySM's */
        void *data = as32 ? to_f32_inplace(out[c], (size_t)(3 * r.total)) : out[c];
        out[c] = NULL;
        PyObject *a = wrap_buffer(data, 2, dims, as32 ? NPY_FLOAT32 : NPY_FLOAT64);
        if (!a) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, c, a);
    }
done:
    for (Py_ssize_t c = 0; out && c < n; c++)
        free(out[c]);
    for (Py_ssize_t c = 0; arrs && c < 2 * n; c++)
        Py_XDECREF(arrs[c]);
    for (Py_ssize_t c = 0; beams && c < n; c++)
        Py_XDECREF(beams[c]);
    free(beams);
    free(so);
    free(sp);
    free(nside_out);
    free(compressed);
    free(out);
    free(arrs);
    free(bands);
    free(units);
    free(f32);
    Py_DECREF(seq);
    return result;
}

static PyObject *Sky_emission(SkyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"freq", "weights", "unit", "chunk", NULL};
    PyObject *f, *w;
    const char *unit;
    long long chunk = 1 << 20;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOs|L", kwlist, &f, &w, &unit, &chunk))
        return NULL;
    PyObject *ch = Py_BuildValue("[(OOs)]", f, w, unit);
    if (!ch)
        return NULL;
    PyObject *cargs = Py_BuildValue("(NL)", ch, chunk);
    if (!cargs)
        return NULL;
    PyObject *list = Sky_emission_channels(self, cargs, NULL);
    Py_DECREF(cargs);
    if (!list)
        return NULL;
    PyObject *m = PyList_GET_ITEM(list, 0);
    Py_INCREF(m);
    Py_DECREF(list);
    return m;
}

static PyObject *Sky_f32(SkyObject *self, PyObject *args)
{
    PyObject *f, *w;
    const char *unit;
    if (!PyArg_ParseTuple(args, "OOs", &f, &w, &unit) || check_sky(self))
        return NULL;
    sky_band band;
    PyArrayObject *fa, *wa;
    PyObject *res = NULL;
    if (!make_band(f, w, &band, &fa, &wa)) {
        sky_error err = {0, ""};
        int f32, rc = sky_emission_f32(self->sky, &band, unit, &f32, &err);
        res = rc ? raise_sky(rc, &err) : PyBool_FromLong(f32);
    }
    Py_XDECREF(fa);
    Py_XDECREF(wa);
    return res;
}

static PyObject *Sky_get_nside(SkyObject *self, void *closure)
{
    (void)closure;
    return check_sky(self) ? NULL : PyLong_FromLong(sky_nside(self->sky));
}

static PyObject *Sky_get_npix(SkyObject *self, void *closure)
{
    (void)closure;
    return check_sky(self) ? NULL : PyLong_FromLongLong((long long)sky_npix(self->sky));
}

static PyObject *Sky_get_ranges(SkyObject *self, void *closure)
{
    (void)closure;
    if (check_sky(self))
        return NULL;
    pixel_ranges r;
    get_ranges(self->sky, &r);
    PyObject *l = PyList_New(0);
    for (int i = 0; l && i < r.n; i++) {
        PyObject *t = Py_BuildValue("(LL)", (long long)r.first[i], (long long)r.count[i]);
        if (!t || PyList_Append(l, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(l);
            break;
        }
        Py_DECREF(t);
    }
    return l;
}

static PyMethodDef Sky_methods[] = {
    {"emission", (PyCFunction)(void (*)(void))Sky_emission, METH_VARARGS | METH_KEYWORDS,
     "emission(freq, weights, unit, chunk=1048576): (3, npix) map"},
    {"emission_channels", (PyCFunction)(void (*)(void))Sky_emission_channels,
     METH_VARARGS | METH_KEYWORDS,
     "emission_channels([(freq, weights, unit), ...], chunk=1048576, smooth=None, "
     "compress_tol=0): list of maps (compress_tol > 0: the smoothed channels sharing a "
     "smoothing through a compressed basis)"},
    {"is_float32", (PyCFunction)Sky_f32, METH_VARARGS,
     "is_float32(freq, weights, unit): whether the map is float32 (PySM's dtype)"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef Sky_getset[] = {
    {"nside", (getter)Sky_get_nside, NULL, "HEALPix nside", NULL},
    {"npix", (getter)Sky_get_npix, NULL, "pixels of the full sky", NULL},
    {"pixel_ranges", (getter)Sky_get_ranges, NULL,
     "RING pixel ranges held, [(first, count), ...]", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject SkyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "skymodel._skymodel.CSky",
    .tp_basicsize = sizeof(SkyObject),
    .tp_dealloc = (destructor)Sky_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "CSky(nside, presets, components, config_files, data_dirs, seed=-1, threads=0, "
              "offline=False, part=0, nparts=1, cache_dir=None, data_url=None)",
    .tp_methods = Sky_methods,
    .tp_getset = Sky_getset,
    .tp_init = (initproc)Sky_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------ */
/* module functions                                                         */
/* ------------------------------------------------------------------------ */

static PyObject *mod_presets(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    const int n = sky_preset_count();
    PyObject *l = PyList_New(n);
    for (int i = 0; l && i < n; i++) {
        PyObject *t = Py_BuildValue("(ss)", sky_preset_name(i), sky_preset_description(i));
        if (!t) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, i, t);
    }
    return l;
}

static PyObject *mod_unit_check(PyObject *self, PyObject *args)
{
    (void)self;
    const char *unit;
    if (!PyArg_ParseTuple(args, "s", &unit))
        return NULL;
    sky_error err = {0, ""};
    int rc = sky_unit_check(unit, &err);
    if (rc)
        return raise_sky(rc, &err);
    Py_RETURN_NONE;
}

static PyObject *mod_unit_conversion(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *f, *w;
    const char *in, *out;
    if (!PyArg_ParseTuple(args, "OOss", &f, &w, &in, &out))
        return NULL;
    sky_band band;
    PyArrayObject *fa, *wa;
    PyObject *res = NULL;
    if (!make_band(f, w, &band, &fa, &wa)) {
        sky_error err = {0, ""};
        double factor;
        int rc = sky_bandpass_unit_conversion(&band, in, out, &factor, &err);
        res = rc ? raise_sky(rc, &err) : PyFloat_FromDouble(factor);
    }
    Py_XDECREF(fa);
    Py_XDECREF(wa);
    return res;
}

static int nside_of(npy_intp npix)
{
    const double n = sqrt((double)npix / 12.0);
    const int nside = (int)lround(n);
    return nside >= 1 && 12 * (npy_intp)nside * nside == npix ? nside : 0;
}

/* smooth(map, fwhm_rad, beam, lmax, lsq_maxiter, nside_out, rot, car_res_rad,
 * healpix): map (npix,) or (ncomp, npix) -> (HEALPix map or None, CAR map or
 * None); the HEALPix map always without car_res_rad, else when `healpix`. */
static PyObject *mod_smooth(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *kwlist[] = {"map", "fwhm_rad", "beam", "lmax", "lsq_maxiter", "nside_out",
                             "rot", "car_res_rad", "healpix", NULL};
    PyObject *mo, *beamo = Py_None;
    double fwhm = 0, car_res = 0;
    int lmax = -1, maxiter = 10, nside_out = 0, healpix = 1;
    const char *rot = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|dOiiizdp", kwlist, &mo, &fwhm, &beamo, &lmax,
                                     &maxiter, &nside_out, &rot, &car_res, &healpix))
        return NULL;
    if (!(car_res > 0))
        healpix = 1;
    PyArrayObject *m = (PyArrayObject *)PyArray_FROMANY(mo, NPY_DOUBLE, 1, 2,
                                                         NPY_ARRAY_CARRAY | NPY_ARRAY_FORCECAST);
    if (!m) {
        if (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "input_map: expected a HEALPix map of shape (npix,) "
                                              "or (1 or 3, npix)");
        }
        return NULL;
    }
    PyArrayObject *b = NULL;
    PyObject *res = NULL;
    double *out = NULL, *car = NULL;
    const int one_d = PyArray_NDIM(m) == 1;
    const int ncomp = one_d ? 1 : (int)PyArray_DIM(m, 0);
    const npy_intp npix = PyArray_DIM(m, one_d ? 0 : 1);
    const int nside = nside_of(npix);
    if ((ncomp != 1 && ncomp != 3) || !nside) {
        PyErr_Format(PyExc_ValueError,
                     "input_map: shape (%zd, %zd): expected (npix,) or (1 or 3, npix) with npix "
                     "= 12 nside^2", (Py_ssize_t)ncomp, (Py_ssize_t)npix);
        goto done;
    }
    sky_smooth_opts o;
    int ny, nx;
    if (smooth_opts_from(fwhm, beamo, lmax, maxiter, nside_out, rot, car_res, &o, &b, &ny, &nx))
        goto done;
    const int nout = nside_out > 0 ? nside_out : nside;
    sky_error err = {0, ""};
    int rc;
    const size_t nout_pix = (size_t)12 * nout * nout;
    out = healpix ? sky_big_alloc((size_t)ncomp * nout_pix * sizeof *out) : NULL;
    car = car_res > 0 ? sky_big_alloc((size_t)ncomp * ny * nx * sizeof *car) : NULL;
    if ((healpix && !out) || (car_res > 0 && !car)) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = sky_smooth(PyArray_DATA(m), nside, ncomp, &o, out, car, NULL, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        raise_sky(rc, &err);
        goto done;
    }
    PyObject *hmap = Py_None, *cmap = Py_None;
    Py_INCREF(hmap);
    Py_INCREF(cmap);
    if (out) {
        npy_intp dims[2] = {ncomp, (npy_intp)nout_pix};
        Py_DECREF(hmap);
        hmap = one_d ? wrap_buffer(out, 1, dims + 1, NPY_FLOAT64)
                     : wrap_buffer(out, 2, dims, NPY_FLOAT64);
        out = NULL;
    }
    if (car && hmap) {
        npy_intp dims[3] = {ncomp, ny, nx};
        Py_DECREF(cmap);
        cmap = one_d ? wrap_buffer(car, 2, dims + 1, NPY_FLOAT64)
                     : wrap_buffer(car, 3, dims, NPY_FLOAT64);
        car = NULL;
    }
    if (hmap && cmap)
        res = PyTuple_Pack(2, hmap, cmap);
    Py_XDECREF(hmap);
    Py_XDECREF(cmap);
done:
    free(out);
    free(car);
    Py_XDECREF(b);
    Py_DECREF(m);
    return res;
}

/* a copy of n doubles as a new 1-D array, or None for NULL */
static PyObject *vector_copy(const double *v, int n)
{
    if (!v)
        Py_RETURN_NONE;
    npy_intp dim = n;
    PyObject *a = PyArray_SimpleNew(1, &dim, NPY_FLOAT64);
    if (a)
        memcpy(PyArray_DATA((PyArrayObject *)a), v, (size_t)n * sizeof *v);
    return a;
}

/* read_instrument(path): {"presets": str or None, "unit": str or None,
 * "channels": [{"name", "freqs", "weights", "unit", "fwhm_arcmin",
 * "beam_window", "bandpass_file"}, ...]}, the library's reading (paths
 * from the file's folder, every check of `skymodel sim --instrument`). */
static PyObject *mod_read_instrument(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *po;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &po))
        return NULL;
    sky_instrument ins;
    sky_error err = {0, ""};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = sky_instrument_read(PyBytes_AS_STRING(po), &ins, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(po);
    if (rc)
        return raise_sky(rc, &err);
    PyObject *chans = PyList_New(ins.nchan), *res = NULL;
    for (int c = 0; chans && c < ins.nchan; c++) {
        const sky_instrument_channel *ch = &ins.chan[c];
        PyObject *d = Py_BuildValue("{s:s,s:N,s:N,s:z,s:d,s:z,s:z}", "name", ch->name, "freqs",
                                    vector_copy(ch->freq, ch->nfreq), "weights",
                                    vector_copy(ch->weight, ch->nfreq), "unit", ch->unit,
                                    "fwhm_arcmin", ch->fwhm_arcmin, "beam_window",
                                    ch->beam_window, "bandpass_file", ch->bandpass_file);
        if (!d) {
            Py_CLEAR(chans);
            break;
        }
        PyList_SET_ITEM(chans, c, d);
    }
    if (chans)
        res = Py_BuildValue("{s:z,s:z,s:N}", "presets", ins.presets, "unit", ins.unit,
                            "channels", chans);
    sky_instrument_free(&ins);
    return res;
}

/* read_beam_window(path): B_l as an array (ncols, nrows), ncols 1 or 3 */
static PyObject *mod_read_beam_window(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *po;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &po))
        return NULL;
    double *bl;
    int ncols, nrows, rc;
    sky_error err = {0, ""};
    Py_BEGIN_ALLOW_THREADS
    rc = sky_beam_window_read(PyBytes_AS_STRING(po), &bl, &ncols, &nrows, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(po);
    if (rc)
        return raise_sky(rc, &err);
    npy_intp dims[2] = {ncols, nrows};
    return wrap_buffer(bl, 2, dims, NPY_FLOAT64);
}

static PyObject *mod_threads(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    const sky_threads *t = sky_threads_current();
    return Py_BuildValue("(is)", t->n, t->why);
}

static PyMethodDef module_methods[] = {
    {"presets", mod_presets, METH_NOARGS, "presets(): [(name, description), ...]"},
    {"unit_check", mod_unit_check, METH_VARARGS, "unit_check(unit): ValueError if unknown"},
    {"bandpass_unit_conversion", mod_unit_conversion, METH_VARARGS,
     "bandpass_unit_conversion(freqs_ghz, weights, input_unit, output_unit): factor"},
    {"smooth", (PyCFunction)(void (*)(void))mod_smooth, METH_VARARGS | METH_KEYWORDS,
     "smooth(map, fwhm_rad=0, beam=None, lmax=-1, lsq_maxiter=10, nside_out=0, rot=None, "
     "car_res_rad=0, healpix=True): (HEALPix map or None, CAR map or None)"},
    {"threads", mod_threads, METH_NOARGS, "threads(): (count, why) of the default"},
    {"read_instrument", mod_read_instrument, METH_VARARGS,
     "read_instrument(path): {presets, unit, channels: [{name, freqs, weights, ...}]}"},
    {"read_beam_window", mod_read_beam_window, METH_VARARGS,
     "read_beam_window(path): B_l of shape (1 or 3, lmax + 1)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_skymodel",
    "The C library of skymodel (PySM 3 in C); use the skymodel package.", -1, module_methods,
    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__skymodel(void)
{
    import_array();
    if (PyType_Ready(&SkyType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    /* the default thread count: the cores this process may use (cgroup
     * limits included), unless OMP_NUM_THREADS says otherwise */
    sky_threads_apply_default(1, NULL);
    Py_INCREF(&SkyType);
    if (PyModule_AddObject(m, "CSky", (PyObject *)&SkyType) < 0 ||
        PyModule_AddStringConstant(m, "version", sky_version()) < 0 ||
        PyModule_AddStringConstant(m, "pysm_version", SKY_PYSM_VERSION) < 0) {
        Py_DECREF(&SkyType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
