#!/usr/bin/python3
"""Writes tests/data/npy_math_golden.h: numpy's float64 exp and log on a
few million inputs, for tests/test_npy_math.c.

Run with Debian's python3 (numpy 1.24) on an AVX-512 machine:
    /usr/bin/python3 tests/data/make_npy_math_golden.py

The inputs of each function are, in order:
  - the d6 set: for every pair of frequencies a, b in 1..1000 (10^6 pairs),
    q = a/b for log and, for exp, -0.5 (x x) with x = log(q) / 5.0, the
    correlation-matrix entries of PySM's d6 at correlation length 5;
  - RANDOM inputs from a counter-based generator (splitmix64 of the index,
    which test_npy_math.c reproduces), in categories taken in turn (below).
The outputs are checked through digests: for each block of BLOCK outputs,
the sum mod 2^64 of mix(bits(out[i]) ^ (i GAMMA)) with splitmix64's
finaliser mix. A few hundred inputs (specials, and the first inputs of every
category) are also stored with numpy's outputs, as bit patterns.
"""
import os
import platform

import numpy as np

RANDOM = 1 << 20
BLOCK = 1 << 16
SEED = 0x5EED_0E4B_1A9C_0001
GAMMA = 0x9E3779B97F4A7C15
M1, M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
FRAC = (1 << 52) - 1
NCAT = 7
EXP_LIMITS = [709.782712893384, -708.3964185322641, -745.1332191019411,
              707.7032713517042, -707.7032713517042]
LN2_16 = 0.6931471805599453 / 16
# where vrcp14pd of the mantissa, rounded to k/32, changes k (see
# src/core/gen_npy_tables.py): log inputs there are the CPU-dependent ones
RCP_STEPS = [0x040F, 0x0C97, 0x15B4, 0x1F70, 0x29E6, 0x3523, 0x4143, 0x4E5F,
             0x5C99, 0x6C15, 0x7D07, 0x8F9C, 0xA41A, 0xBAD0, 0xD41C, 0xF080]

U64 = np.uint64
here = os.path.dirname(os.path.abspath(__file__))


def mix(z):
    z = (z ^ (z >> U64(30))) * U64(M1)
    z = (z ^ (z >> U64(27))) * U64(M2)
    return z ^ (z >> U64(31))


def splitmix(k):
    """The k-th output (k: uint64 array) of splitmix64 seeded with SEED."""
    return mix(U64(SEED) + (k + U64(1)) * U64(GAMMA))


def from_bits(u):
    return np.asarray(u, dtype=U64).view(np.float64)


def bits(x):
    return np.asarray(x, dtype=np.float64).view(U64)


def unit(u):
    """[0, 1) from the top 53 bits, exactly."""
    return (u >> U64(11)).astype(np.float64) * 2.0**-53


def ulp_walk(x, u, v, maxlog):
    """x moved by a random number of ulps, |offset| <= 2^(u mod (maxlog+1))."""
    span = U64(1) << (u % U64(maxlog + 1))
    off = (v % (U64(2) * span + U64(1))).astype(np.int64) - span.astype(np.int64)
    return from_bits(bits(x) + off.astype(U64))


def d6_quotients(u, v):
    fa = unit(u) * 999.0 + 1.0
    fb = unit(v) * 999.0 + 1.0
    return fa / fb


def d6_exponent(q):
    x = np.log(q) / 5.0
    return -0.5 * (x * x)


def random_inputs(func):
    i = np.arange(RANDOM, dtype=U64)
    u, v = splitmix(U64(2) * i), splitmix(U64(2) * i + U64(1))
    cat = (i % U64(NCAT)).astype(int)
    x = np.empty(RANDOM)
    with np.errstate(all="ignore"):
        for c in range(NCAT):
            s = cat == c
            uc, vc = u[s], v[s]
            if func == "exp":
                if c == 0:  # any bit pattern
                    y = from_bits(uc)
                elif c == 1:  # [-50, 50)
                    y = unit(vc) * 100.0 - 50.0
                elif c == 2:  # [-760, 760): overflow and underflow
                    y = unit(vc) * 1520.0 - 760.0
                elif c == 3:  # up to 2^44 ulps around the range limits
                    lim = np.array(EXP_LIMITS)[(uc % U64(5)).astype(int)]
                    y = ulp_walk(lim, uc >> U64(8), vc, 44)
                elif c == 4:  # any sign, exponent below 2^11 (subnormals too)
                    e = uc % U64(1034)
                    y = from_bits((vc & U64(1 << 63)) | (e << U64(52)) | (vc & U64(FRAC)))
                elif c == 5:  # within 256 ulps of k ln2/16
                    k = (uc % U64(32673)).astype(np.int64) - 16336
                    y = ulp_walk(k.astype(np.float64) * LN2_16, U64(8), vc, 8)
                else:  # d6 with real frequencies in [1, 1000)
                    y = d6_exponent(d6_quotients(uc, vc))
            else:
                if c == 0:  # any bit pattern
                    y = from_bits(uc)
                elif c == 1:  # up to 2^52 ulps around 1
                    y = ulp_walk(np.ones(len(uc)), uc >> U64(8), vc, 52)
                elif c == 2:  # any positive normal
                    e = U64(1) + uc % U64(2046)
                    y = from_bits((e << U64(52)) | (vc & U64(FRAC)))
                elif c == 3:  # positive subnormal (or +0)
                    y = from_bits(vc & U64(FRAC))
                elif c == 4:  # mantissa at the reciprocal steps
                    step = np.array(RCP_STEPS, dtype=U64)[(uc % U64(16)).astype(int)]
                    top = step - U64(1) + ((uc >> U64(4)) & U64(1))
                    e = U64(1) + (uc >> U64(5)) % U64(2046)
                    y = from_bits((e << U64(52)) | (top << U64(36)) | (vc & U64((1 << 36) - 1)))
                elif c == 5:  # (0, 1000]
                    y = 1000.0 - unit(vc) * 1000.0
                else:  # d6 quotients of real frequencies in [1, 1000)
                    y = d6_quotients(uc, vc)
            x[s] = y
    return x


def d6_inputs(func):
    a = np.repeat(np.arange(1, 1001, dtype=np.float64), 1000)
    b = np.tile(np.arange(1, 1001, dtype=np.float64), 1000)
    q = a / b
    return d6_exponent(q) if func == "exp" else q


def specials():
    v = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1.0, -1.0, 2.0, 0.5, 10.0, 1e-300,
         1e300, -1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
         1.7976931348623157e308, -1.7976931348623157e308, 0.6931471805599453, 2.718281828459045,
         np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), 1e-17, -1e-17, 0.1, -0.1, 100.0, -100.0,
         700.0, -700.0, 708.0, -708.0, 708.5, -708.5, 709.0, -709.0, 709.7, 709.78, 710.0, -710.0,
         -720.0, -730.0, -740.0, -744.0, -745.0, -745.1, -745.2, -746.0, -750.0, 1000.0, -1000.0]
    for lim in EXP_LIMITS:
        v += [lim, np.nextafter(lim, np.inf), np.nextafter(lim, -np.inf)]
    x = np.array(v)
    nans = from_bits(np.array([0x7FF0000000000001, 0xFFF0000000000001, 0x7FF4000000000123,
                               0x7FF8000000000000, 0xFFF8000000000000, 0x7FFFFFFFFFFFFFFF,
                               0xFFFFFFFFFFFFFFFF, 0x7FF8DEADBEEF0000], dtype=U64))
    return np.concatenate([x, nans])


def block_digests(out):
    h = mix(bits(out) ^ (np.arange(len(out), dtype=U64) * U64(GAMMA)))
    return [int(np.sum(h[k:k + BLOCK], dtype=U64)) for k in range(0, len(out), BLOCK)]


def main():
    cpu = np.core._multiarray_umath.__cpu_features__
    if not cpu.get("AVX512_SKX"):
        raise SystemExit("numpy does not dispatch to SVML (AVX512_SKX) on this CPU")
    model = "?"
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    w = [f"/* generated by make_npy_math_golden.py: numpy {np.__version__}, "
         f"{platform.machine()} {model} */",
         f"#define NPY_GOLDEN_RANDOM {RANDOM}",
         f"#define NPY_GOLDEN_BLOCK {BLOCK}",
         f"#define NPY_GOLDEN_SEED 0x{SEED:016x}ull", ""]
    for func in ("exp", "log"):
        f = getattr(np, func)
        with np.errstate(all="ignore"):
            d6 = d6_inputs(func)
            rnd = random_inputs(func)
            x = np.concatenate([d6, rnd])
            out = f(x)
            # the explicit values: specials, the first 24 inputs of each
            # random category and a sample of the d6 set
            first = np.concatenate([np.flatnonzero(np.arange(RANDOM) % NCAT == c)[:24]
                                    for c in range(NCAT)])
            ex = np.concatenate([specials(), rnd[first], d6[::4999]])
            exo = f(ex)
        digests = block_digests(out)
        w.append(f"static const uint64_t npy_{func}_blocks[{len(digests)}] = {{")
        for k in range(0, len(digests), 3):
            w.append("    " + " ".join(f"0x{d:016x}ull," for d in digests[k:k + 3]))
        w.append("};")
        w.append(f"static const uint64_t npy_{func}_values[{len(ex)}][2] = {{")
        for a, b in zip(bits(ex), bits(exo)):
            w.append(f"    {{0x{int(a):016x}ull, 0x{int(b):016x}ull}},")
        w.append("};")
        w.append("")
        print(f"{func}: {len(x)} inputs, {len(digests)} blocks, {len(ex)} explicit values")
    with open(os.path.join(here, "npy_math_golden.h"), "w") as fh:
        fh.write("\n".join(w))


if __name__ == "__main__":
    main()
