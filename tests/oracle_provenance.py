#!/usr/bin/env python3
"""Oracle: every map's header says how it was made (issue 17, section 4),
read back by astropy and healpy.read_map(h=True).

Runs sim (one band with presets and a --config file, a bandpass file, an
instrument, --parts, a CAR map, a CAR map alone) and smooth of a sim output
with --rotate G:C and --fwhm, and checks the cards: versions, POLCCONV,
presets, config files and their components, band, beam, lmax, map2alm method
and iterations, rotation, nside, dtype; long values (CONTINUE) whole.
usage: oracle_provenance.py SKYMODEL TEMPLATE_DIR   (exit 77 without healpy)
"""
import os
import subprocess
import sys
import tempfile

try:
    import healpy as hp
    from astropy.io import fits
except ImportError:
    print("healpy/astropy not available: skipped")
    sys.exit(77)

binary, templates = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAILED:", msg)


def sim(*args, cwd):
    r = subprocess.run([binary, "sim", "-d", templates, "--offline", *args], cwd=cwd,
                       capture_output=True, text=True)
    check(r.returncode == 0, f"sim {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def header(path, hdu=1):
    with fits.open(path) as h:
        return h[hdu].header.copy()


def expect(h, name, cards):
    for key, value in cards.items():
        got = h.get(key)
        if isinstance(value, float):
            ok = isinstance(got, float) and abs(got - value) <= 1e-9 * max(1, abs(value))
        else:
            ok = got == value and type(got) is type(value)
        check(ok, f"{name}: {key} = {got!r}, expected {value!r}")


def history(h):
    return "\n".join(str(v) for v in h.get("HISTORY", []))


DUST = """[dust_hot]
class = "ModifiedBlackBody"
map_I = "pysm_2/dust_t_new.fits"
map_Q = "pysm_2/dust_q_new.fits"
map_U = "pysm_2/dust_u_new.fits"
unit_I = "uK_RJ"
unit_Q = "uK_RJ"
unit_U = "uK_RJ"
map_mbb_index = 1.6
map_mbb_temperature = 25
unit_mbb_temperature = "K"
freq_ref_I = "545 GHz"
freq_ref_P = "353 GHz"
"""

with tempfile.TemporaryDirectory() as tmp:
    # a config file whose name is longer than a card holds: CONTINUE cards
    sub = os.path.join(tmp, "a_folder_with_a_name_long_enough_to_need_continue_cards")
    os.mkdir(sub)
    cfg = os.path.join(sub, "my_dust_components.toml")
    with open(cfg, "w") as f:
        f.write(DUST)
    common = {"CREATOR": "skymodel 0.1.0", "SKYMVER": "0.1.0", "PYSMVER": "3.4.5",
              "POLCCONV": "COSMO"}

    # 1. one band: presets and a config file, a weighted band, a beam
    sim("--preset", "s1", "--config", cfg, "-n", "16", "--freqs", "90,100,110",
        "--weights", "1,2,1", "-u", "uK_CMB", "--fwhm", "60", "--lsq-maxiter", "5",
        "--dtype", "float64", "-o", "a.fits", "-q", cwd=tmp)
    a = os.path.join(tmp, "a.fits")
    h = header(a)
    expect(h, "sim", {**common, "PRESETS": "s1", "CONFIG1": cfg, "NCOMPS": 2,
                      "COMP1": "s1: PowerLaw", "COMP2": "dust_hot: ModifiedBlackBody",
                      "SKYNSIDE": 16, "NSIDE": 16, "DTYPE": "float64", "FREQMIN": 90.0,
                      "FREQMAX": 110.0, "NFREQ": 3, "FREQS": "90,100,110",
                      "WEIGHTS": "1,2,1", "FWHM": 60.0, "LMAX": 40, "MAP2ALM": "map2alm_lsq",
                      "LSQITER": 5, "LSQTOL": 1e-7, "NSIDEIN": 16, "COORDSYS": "G",
                      "TUNIT1": "uK_CMB", "TUNIT3": "uK_CMB"})
    comment = h.comments["CONFIG1"] if "CONFIG1" in h else ""
    check("COMP2" in comment, f"CONFIG1 comment {comment!r} does not name its components")
    check(isinstance(h.get("LSQNITER"), int) and 1 <= h["LSQNITER"] <= 5, "LSQNITER")
    check("ROTATE" not in h and "BEAMWIN" not in h, "ROTATE or BEAMWIN without the option")
    check(all(len(k) <= 8 for k in h.keys()), "a keyword longer than 8 characters")
    # healpy reads the same cards
    _, hh = hp.read_map(a, field=(0, 1, 2), h=True)
    hd = dict(hh)
    check(hd.get("POLCCONV") == "COSMO" and hd.get("FWHM") == 60.0 and
          hd.get("CONFIG1") == cfg, f"healpy.read_map(h=True): {hd.get('CONFIG1')!r}")

    # 2. smooth of it: the input's cards kept, its own added, a HISTORY line
    r = subprocess.run([binary, "smooth", a, "-o", "b.fits", "--rotate", "G:C", "--fwhm", "90",
                        "--lmax", "30", "--out-nside", "8", "--lsq-maxiter", "0", "-q"],
                       cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, f"smooth: {r.stderr.strip()}")
    h = header(os.path.join(tmp, "b.fits"))
    expect(h, "smooth", {**common, "PRESETS": "s1", "CONFIG1": cfg, "NCOMPS": 2,
                         "COMP2": "dust_hot: ModifiedBlackBody", "FREQS": "90,100,110",
                         "WEIGHTS": "1,2,1", "SKYNSIDE": 16, "NSIDEIN": 16, "NSIDE": 8,
                         "FWHM": 90.0, "LMAX": 30, "ROTATE": "G:C", "COORDSYS": "C",
                         "MAP2ALM": "map2alm iter=0", "DTYPE": "float32", "SMINPUT": a})
    hist = history(h)
    check("skymodel 0.1.0 smooth" in hist and "--rotate G:C" in hist,
          f"no HISTORY line for the smoothing: {hist!r}")
    check("was FWHM = 60.0" in hist and "was LMAX = 40" in hist,
          f"the input's beam and lmax are not kept in HISTORY: {hist!r}")
    check("LSQITER" not in h and "was LSQITER = 5" in hist,
          "the input's least-squares cards are left as they were")
    for k in ("NSIDE", "ORDERING", "COORDSYS", "TTYPE1", "TUNIT1", "PIXTYPE"):
        check(list(h.keys()).count(k) == 1, f"smooth: {k} given {list(h.keys()).count(k)} times")

    # 3. a bandpass file and --parts
    with open(os.path.join(tmp, "bp.txt"), "w") as f:
        f.write("# GHz weight\n30 0.5\n31 1\n32 1\n33 0.5\n")
    sim("-p", "d1,c1", "-n", "16", "--bandpass", "bp.txt", "--parts", "3", "-o", "p.fits",
        "-q", cwd=tmp)
    h = header(os.path.join(tmp, "p.fits"))
    expect(h, "--parts", {**common, "PRESETS": "d1,c1", "BANDPASS": "bp.txt", "NFREQ": 4,
                          "FREQMIN": 30.0, "FREQMAX": 33.0, "COMP1": "d1: ModifiedBlackBody",
                          "SEED1": 1111})
    check("FREQS" not in h and "FWHM" not in h, "--parts: FREQS or FWHM cards")

    # 4. an instrument: a channel with a bandpass file and a beam, one with a
    # beam window, one unsmoothed; the folder given with a trailing '/'
    with open(os.path.join(tmp, "bl.txt"), "w") as f:
        f.write("1\n" * 60)
    with open(os.path.join(tmp, "ins.json"), "w") as f:
        f.write('{"sky": ["s1"], "output_unit": "uK_CMB", "channels": ['
                '{"name": "LF030", "bandpass_file": "bp.txt", "fwhm_arcmin": 90},'
                '{"name": "B", "freqs_ghz": [140, 150], "weights": [1, 3],'
                ' "beam_window": "bl.txt"},'
                '{"name": "C", "band_low_GHz": 20, "band_high_GHz": 30, "npoints": 3}]}')
    r = sim("--instrument", "ins.json", "-n", "16", "-o", "maps/", cwd=tmp)
    check("//" not in r.stdout, f"instrument: '//' in {r.stdout!r}")
    hl = header(os.path.join(tmp, "maps", "LF030.fits"))
    expect(hl, "LF030", {**common, "INSTFILE": "ins.json", "CHANNEL": "LF030", "PRESETS": "s1",
                         "BANDPASS": os.path.join("bp.txt"), "NFREQ": 4, "FWHM": 90.0,
                         "LMAX": 40})
    hb = header(os.path.join(tmp, "maps", "B.fits"))
    expect(hb, "B", {"CHANNEL": "B", "FREQS": "140,150", "WEIGHTS": "1,3", "BEAMWIN": "bl.txt",
                     "BEAMCOLS": 1})
    check("FWHM" not in hb, "B: FWHM with a beam window")
    hc = header(os.path.join(tmp, "maps", "C.fits"))
    expect(hc, "C", {"CHANNEL": "C", "FREQS": "20,25,30", "WEIGHTS": "top-hat"})
    check("LMAX" not in hc and "FWHM" not in hc, "C: smoothing cards without smoothing")
    r = subprocess.run([binary, "sim", "--instrument", "ins.json", "-n", "16", "-d", templates,
                        "--offline", "-o", "maps/"], cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 2 and "maps/LF030.fits: file exists" in r.stderr and
          "//" not in r.stderr, f"instrument again: {r.returncode} {r.stderr.strip()!r}")

    # 5. a CAR map beside the HEALPix one, and a CAR map alone (no -o)
    sim("-p", "s1", "-n", "16", "-f", "30", "--fwhm", "120", "--car-resol", "600",
        "-o", "c.fits", "-q", cwd=tmp)
    h = header(os.path.join(tmp, "c_car.fits"), 0)
    expect(h, "CAR", {**common, "PRESETS": "s1", "FREQ": 30.0, "FWHM": 120.0, "CARRES": 600.0,
                      "LMAX": 40, "DTYPE": "float32", "BUNIT": "uK_RJ"})
    check("CARRES" not in header(os.path.join(tmp, "c.fits")), "CARRES in the HEALPix map")
    before = set(os.listdir(tmp))
    sim("-p", "s1", "-n", "16", "-f", "30", "--car-resol", "600", "--car-output", "alone.fits",
        "-q", cwd=tmp)
    after = set(os.listdir(tmp))
    check(after - before == {"alone.fits"}, f"CAR alone wrote {sorted(after - before)}")
    if "alone.fits" in after:
        expect(header(os.path.join(tmp, "alone.fits"), 0), "CAR alone",
               {"CARRES": 600.0, "PRESETS": "s1"})

    # 6. under mpirun (the MPI build; CTest gives mpirun in SKY_TEST_MPIRUN)
    mpirun = os.environ.get("SKY_TEST_MPIRUN")
    if mpirun:
        env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1",
                   OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_btl_vader_single_copy_mechanism="none")
        for name, extra in (("mpi_s.fits", ["--fwhm", "60"]), ("mpi_u.fits", [])):
            r = subprocess.run([mpirun, "-np", "2", binary, "sim", "-d", templates, "--offline",
                                "-p", "s1,c1", "-n", "16", "-f", "100", "-q", "-o", name,
                                *extra], cwd=tmp, capture_output=True, text=True, env=env,
                               stdin=subprocess.DEVNULL)
            check(r.returncode == 0, f"mpirun sim {name}: {r.stderr.strip()}")
            if r.returncode == 0:
                h = header(os.path.join(tmp, name))
                expect(h, f"mpirun {name}", {**common, "PRESETS": "s1,c1", "FREQ": 100.0,
                                             "SEED1": 1111, "COMP2": "c1: CMBLensed"})
                if extra:
                    expect(h, "mpirun smoothed", {"NPROCS": 2, "FWHM": 60.0, "LMAX": 40})
                else:  # the same bytes as a serial run: nothing says how many processes
                    check("NPROCS" not in h, "NPROCS in an unsmoothed map")
        r = subprocess.run([mpirun, "-np", "2", binary, "smooth", "mpi_u.fits", "-o", "mpi_b.fits",
                            "--fwhm", "30", "-q"], cwd=tmp, capture_output=True, text=True,
                           env=env, stdin=subprocess.DEVNULL)
        check(r.returncode == 0, f"mpirun smooth: {r.stderr.strip()}")
        if r.returncode == 0:
            expect(header(os.path.join(tmp, "mpi_b.fits")), "mpirun smooth",
                   {"PRESETS": "s1,c1", "SEED1": 1111, "FWHM": 30.0, "NPROCS": 2})
            # smoothed again in one process: the input's NPROCS is history
            r = subprocess.run([binary, "smooth", "mpi_b.fits", "-o", "mpi_c.fits", "--fwhm",
                                "30", "-q"], cwd=tmp, capture_output=True, text=True)
            h = header(os.path.join(tmp, "mpi_c.fits"))
            check("NPROCS" not in h and "was NPROCS = 2" in history(h),
                  "a serial smoothing keeps the input's NPROCS")
    else:
        print("no mpirun in SKY_TEST_MPIRUN: MPI runs not checked")

print(f"oracle_provenance: {failures} failed")
sys.exit(1 if failures else 0)
