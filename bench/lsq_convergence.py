"""Why skymodel has no faster least-squares map2alm than PySM's LSQR.

Measures, with healpy and scipy only (no skymodel, no PySM):
1. the spectrum of the normal operator (4 pi / npix) A^T A of HEALPix
   synthesis A at lmax = 2.5 nside (nside 16, dense), with and without the
   two cheap preconditioners at hand: column (Jacobi) scaling and the ring
   weights of healpy-data as row weights;
2. how LSQR, from PySM's start (the plain map2alm) and from the ring-weighted
   map2alm, approaches the converged solution on a map that is not
   band-limited (nside NSIDE, I Q U), per iteration, in alm and in the map,
   with and without a beam.

usage: /usr/bin/python3 bench/lsq_convergence.py [NSIDE]   (default 128)
"""
import sys

import healpy as hp
import numpy as np
import scipy.sparse.linalg as sl
from astropy.io import fits

DATA = "/usr/share/healpy/data"


def real_layout(lmax, nc):
    """healpy alm <-> the real vector LSQR works on (as healpy's map2alm_lsq)."""
    nalm = hp.Alm.getsize(lmax)
    nr = 2 * nalm - lmax - 1

    def to_alm(x):
        x = x.reshape(nc, nr)
        a = np.zeros((nc, nalm), complex)
        a[:, : lmax + 1] = x[:, : lmax + 1]
        r = x[:, lmax + 1 :]
        a[:, lmax + 1 :] = (r[:, 0::2] + 1j * r[:, 1::2]) * np.sqrt(2) / 2
        return a

    def from_alm(a):
        x = np.zeros((nc, nr))
        x[:, : lmax + 1] = a[:, : lmax + 1].real
        x[:, lmax + 1 :: 2] = a[:, lmax + 1 :].real * np.sqrt(2)
        x[:, lmax + 2 :: 2] = a[:, lmax + 1 :].imag * np.sqrt(2)
        return x.ravel()

    return nr, to_alm, from_alm


def spectrum(nside=16):
    lmax, npix = int(2.5 * nside), 12 * nside**2
    nr, to_alm, _ = real_layout(lmax, 1)
    A = np.empty((npix, nr))
    for j in range(nr):
        e = np.zeros(nr)
        e[j] = 1
        A[:, j] = hp.alm2map(to_alm(e)[0], nside, lmax=lmax)
    G = A.T @ A * 4 * np.pi / npix
    e = np.linalg.eigvalsh(G)
    print(f"nside {nside}, lmax {lmax}, spin 0: eigenvalues of (4pi/npix) A^T A in "
          f"[{e[0]:.4f}, {e[-1]:.4f}], cond(A) = {np.sqrt(e[-1] / e[0]):.4f}")
    d = np.sqrt(np.diag(G))
    e = np.linalg.eigvalsh(G / np.outer(d, d))
    print(f"  with Jacobi (column) scaling: [{e[0]:.4f}, {e[-1]:.4f}]")
    w = np.asarray(fits.getdata(f"{DATA}/weight_ring_n{nside:05d}.fits").field(0)).ravel()
    theta = hp.pix2ang(nside, np.arange(npix))[0]
    ring = np.searchsorted(np.unique(theta), theta)
    ring = np.minimum(ring, 4 * nside - 2 - ring)
    e = np.linalg.eigvalsh(A.T @ (A * (1 + w[ring])[:, None]) * 4 * np.pi / npix)
    print(f"  ring-weighted (healpy-data): [{e[0]:.4f}, {e[-1]:.4f}]")
    ell = np.concatenate([hp.Alm.getlm(lmax)[0][: lmax + 1], np.repeat(hp.Alm.getlm(lmax)[0][lmax + 1 :], 2)])
    for lo, hi in ((0, nside), (nside + 1, 2 * nside), (2 * nside + 1, lmax)):
        s = (ell >= lo) & (ell <= hi)
        e = np.linalg.eigvalsh(G[np.ix_(s, s)])
        print(f"  block {lo} <= l <= {hi}: [{e[0]:.4f}, {e[-1]:.4f}]")


def convergence(nside):
    lmax, npix = int(2.5 * nside), 12 * nside**2
    nr, to_alm, from_alm = real_layout(lmax, 3)
    np.random.seed(3)
    ell = np.arange(8 * nside + 1)
    cl = np.zeros(len(ell))
    cl[2:] = ell[2:] ** -2.4
    m = hp.ud_grade(hp.synfast([cl, cl * 0.1, cl * 0.05, cl * 0.3], 4 * nside, new=True), nside)
    m[0] += np.exp(np.random.randn(npix)) * 0.01
    A = sl.LinearOperator(
        (3 * npix, 3 * nr), dtype=float,
        matvec=lambda x: hp.alm2map(to_alm(x), nside, lmax=lmax).ravel(),
        rmatvec=lambda y: from_alm(hp.map2alm(y.reshape(3, npix), lmax=lmax, iter=0) * npix / (4 * np.pi)))
    b = m.ravel()
    x0 = from_alm(hp.map2alm(m, lmax=lmax, iter=0))
    xw = from_alm(hp.map2alm(m, lmax=lmax, iter=0, use_weights=True, datapath=DATA))
    ref = sl.lsqr(A, b, x0=x0, atol=1e-15, btol=1e-15, iter_lim=80)
    xs = ref[0]
    pysm = sl.lsqr(A, b, x0=x0, atol=1e-7, btol=1e-7, iter_lim=10)
    print(f"nside {nside}, lmax {lmax}, IQU: converged after {ref[2]} iterations; "
          f"PySM's LSQR (atol = btol = 1e-7) stops after {pysm[2]}")

    def smoothed(x, fwhm):
        a = to_alm(x)
        if fwhm:
            bl = hp.gauss_beam(np.radians(fwhm / 60), lmax=lmax, pol=True).T
            a = np.array([hp.almxfl(a[i], bl[i]) for i in range(3)])
        return hp.alm2map(a, nside, lmax=lmax)

    pix = hp.nside2resol(nside, arcmin=True)
    beams = (0, 2 * pix, 4 * pix)
    sref = [smoothed(xs, f) for f in beams]
    print("error against the converged solution; map: max |error| / RMS, worst of I Q U")
    print("iterations | start | alm |" + "|".join(f" map, beam {f / pix:.0f} px " for f in beams))
    for k in range(0, 11):
        for name, start in (("plain", x0), ("ring-weighted", xw)):
            if name != "plain" and k > 4:
                continue
            x = sl.lsqr(A, b, x0=start, atol=0, btol=0, iter_lim=k)[0] if k else start
            errs = []
            for f, s in zip(beams, sref):
                mm = smoothed(x, f)
                errs.append(max(np.abs(mm[i] - s[i]).max() / s[i].std() for i in range(3)))
            print(f"{k} | {name} | {np.linalg.norm(x - xs) / np.linalg.norm(xs):.2g} | "
                  + " | ".join(f"{e:.2g}" for e in errs))


if __name__ == "__main__":
    spectrum()
    convergence(int(sys.argv[1]) if len(sys.argv) > 1 else 128)
