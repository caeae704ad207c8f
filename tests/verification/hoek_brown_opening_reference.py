#!/usr/bin/env python3
"""Reference solution: a circular opening in an infinite generalised Hoek-Brown
rock mass, hydrostatic far field, internal pressure, plane strain, elastic -
perfectly plastic with a Mohr-Coulomb type plastic potential (dilation angle psi).

After
  C. Carranza-Torres (2004), Elasto-plastic solution of tunnel problems using the
    generalized form of the Hoek-Brown failure criterion, IJRMMS 41(S1), 629-639;
  C. Carranza-Torres & C. Fairhurst (1999), The elasto-plastic response of
    underground excavations in rock masses that satisfy the Hoek-Brown failure
    criterion, IJRMMS 36(6), 777-809 (a = 1/2), and the wall displacement formula
    of Carranza-Torres & Fairhurst (2000), TUST 15(2), 187-213.
The derivation below is written out here from equilibrium, the criterion and the
flow rule; the published a = 1/2 closed forms are implemented separately and used
only as checks.

Criterion (compression positive, sigma_1 major, sigma_3 minor, as in the papers):
    sigma_1 = sigma_3 + sigma_ci (m_b sigma_3 / sigma_ci + s)^a
Scaled ("transformed") stresses, Carranza-Torres (2004):
    S = sigma / (m_b^(a/(1-a)) sigma_ci) + s / m_b^(1/(1-a))
turn it into the parameter-free  S_1 = S_3 + S_3^a  (for a = 1/2 this is the
familiar S = sigma/(m_b sigma_ci) + s/m_b^2 and S_1 = S_3 + sqrt(S_3)).

Solution (S_0 far field, P_i wall pressure, both scaled):
  * critical scaled pressure: 2 (S_0 - P_cr) = P_cr^a   (a = 1/2: P_cr = (1 - sqrt(1 + 16 S_0))^2 / 16)
  * plastic zone, from d sigma_r/dr = (sigma_theta - sigma_r)/r = S_r^a (scaled) / r:
        S_r(r) = [P_i^(1-a) + (1-a) ln(r/R)]^(1/(1-a)),   S_theta = S_r + S_r^a
        R_pl   = R exp[(P_cr^(1-a) - P_i^(1-a)) / (1-a)]
  * elastic zone: sigma_r, sigma_theta = sigma_0 -+ (sigma_0 - p_cr)(R_pl/r)^2
  * displacement: plastic potential g = sigma_1 - K_psi sigma_3, K_psi = (1+sin psi)/(1-sin psi),
    so (plastic strains, any sign convention) eps_r^p + K_psi eps_theta^p = 0; the
    elastic strains in the plastic zone come from Hooke's law applied to the stress
    change from the in-situ state (plane strain, no plastic strain along the axis).
    With eps_r = du/dr, eps_theta = u/r this is the linear ODE
        du/dr + K_psi u/r = eps_r^e(r) + K_psi eps_theta^e(r),   u(R_pl) from the elastic zone,
    integrated here with scipy's solve_ivp (DOP853, tight tolerances) and checked
    against a quadrature of its integrating-factor solution and, for a = 1/2, against
    the published closed form.

Conventions of this module's OUTPUT (those of roofspan): stresses tension positive
(so sigma_r, sigma_theta, sigma_z are negative here), u is the radial displacement,
positive outward (a closing opening has u(R) < 0), and it is the displacement caused
by the excavation (zero in the in-situ state). INPUTS sigma_0 and p_i are given as
positive compressive magnitudes. Units are any consistent set (MPa and m below).

Use as a module:
    from hoek_brown_opening_reference import HoekBrownOpening
    sol = HoekBrownOpening.from_gsi(R=1, sigma_0=10, p_i=2.5, sigma_ci=10, gsi=40, mi=10,
                                    D=0, E=4000, nu=0.3, psi_deg=0)
    sol.p_cr, sol.R_pl, sol.u_wall, sol.sigma_r(r), sol.sigma_theta(r), sol.u(r)  (r >= R)
    sol.out_of_plane_margin()   # >= 0: sigma_z stays intermediate, the solution is valid
As a program (Debian's /usr/bin/python3 has numpy and scipy):
    hoek_brown_opening_reference.py                  self-checks, published example, FE case
    hoek_brown_opening_reference.py --gsi 40 --mi 10 --sigma-ci 10 --sigma0 10 --pi 2.5 --E 4000 --profile 12
    hoek_brown_opening_reference.py --checks         self-checks only; exit status 1 if one fails

VALIDITY. Like the papers, the solution assumes the axial stress sigma_z stays the
intermediate principal stress. In plane strain sigma_z follows the elastic law
(change = nu times that of sigma_r + sigma_theta); for weak rock with nu < 1/2 and a
small wall pressure it becomes the MAJOR compressive stress near the wall and then
violates the criterion in the r-z plane, so a finite-element model with the full
three-dimensional criterion yields there too (corner sigma_z = sigma_theta) and departs
from this solution. out_of_plane_margin() reports min(sigma_z - sigma_theta) and
min(sigma_r - sigma_z) over the plastic zone (tension positive, both must be >= 0).
At the wall this needs sigma_0 (1 - 2 nu) + nu (p_i + sigma_theta) <= sigma_theta (compressive
magnitudes), i.e. with p_i = 0: sigma_cm >= sigma_0 (1 - 2 nu)/(1 - nu), sigma_cm = sigma_ci s^a.
With nu = 0.3 and p_i = 0 no case we scanned (GSI 30-50, m_i 10, sigma_ci 5-80 MPa, sigma_0
5-10 MPa) with R_pl/R >= 1.2 passes; hence the FE case below has p_i > 0.
"""
import argparse
import math
import sys

import numpy as np
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq


def hoek_brown_parameters(gsi, mi, D=0.0):
    """m_b, s, a of the generalised criterion (Hoek, Carranza-Torres & Corkum 2002)."""
    mb = mi * math.exp((gsi - 100.0) / (28.0 - 14.0 * D))
    s = math.exp((gsi - 100.0) / (9.0 - 3.0 * D))
    a = 0.5 + (math.exp(-gsi / 15.0) - math.exp(-20.0 / 3.0)) / 6.0
    return mb, s, a


def hoek_diederichs_modulus(gsi, D=0.0, Ei=None):
    """Rock-mass modulus in MPa (Hoek & Diederichs 2006): the simplified form when Ei
    is not given, else the form with the intact modulus Ei [MPa]."""
    if Ei is None:
        return 1.0e5 * (1.0 - D / 2.0) / (1.0 + math.exp((75.0 + 25.0 * D - gsi) / 11.0))
    return Ei * (0.02 + (1.0 - D / 2.0) / (1.0 + math.exp((60.0 + 15.0 * D - gsi) / 11.0)))


class HoekBrownOpening:
    """The solution for one set of data; see the module docstring for conventions.

    Attributes (after construction):
      S0, Pi, P_cr   scaled far-field stress, wall pressure, critical wall pressure
      p_cr           critical internal pressure (compressive magnitude); the rock stays
                     elastic for p_i >= p_cr
      plastic        True when p_i < p_cr
      R_pl           plastic radius (= R when elastic)
      u_wall         u(R), outward positive (negative: the wall moves in)
    """

    def __init__(self, R, sigma_0, p_i, sigma_ci, mb, s, a, E, nu, psi_deg=0.0, rtol=1e-12):
        if not (0.5 <= a < 1.0):
            raise ValueError(f"a = {a} outside [0.5, 1)")
        if sigma_0 <= 0 or p_i < 0 or p_i > sigma_0:
            raise ValueError("need sigma_0 > 0 and 0 <= p_i <= sigma_0 (compressive magnitudes)")
        self.R, self.sigma_0, self.p_i = float(R), float(sigma_0), float(p_i)
        self.sigma_ci, self.mb, self.s, self.a = float(sigma_ci), float(mb), float(s), float(a)
        self.E, self.nu, self.psi_deg = float(E), float(nu), float(psi_deg)
        self.G = self.E / (2.0 * (1.0 + self.nu))
        sp = math.sin(math.radians(self.psi_deg))
        self.K_psi = (1.0 + sp) / (1.0 - sp)
        self.rtol = rtol
        # The scaling of Carranza-Torres (2004): S = sigma/scale + shift.
        self.scale = self.sigma_ci * self.mb ** (self.a / (1.0 - self.a))
        self.shift = self.s / self.mb ** (1.0 / (1.0 - self.a))
        self.S0 = self.sigma_0 / self.scale + self.shift
        self.Pi = self.p_i / self.scale + self.shift
        self.P_cr = self.scaled_critical_pressure(self.S0, self.a)
        self.p_cr = (self.P_cr - self.shift) * self.scale
        self.plastic = self.p_i < self.p_cr
        b = 1.0 - self.a
        self.R_pl = self.R * math.exp((self.P_cr ** b - self.Pi ** b) / b) if self.plastic else self.R
        self._u_ode = self._integrate_displacement() if self.plastic else None
        self.u_wall = float(self.u(self.R))

    @classmethod
    def from_gsi(cls, R, sigma_0, p_i, sigma_ci, gsi, mi, D, E, nu, psi_deg=0.0, **kw):
        mb, s, a = hoek_brown_parameters(gsi, mi, D)
        return cls(R, sigma_0, p_i, sigma_ci, mb, s, a, E, nu, psi_deg, **kw)

    # ---- stresses -------------------------------------------------------------
    @staticmethod
    def scaled_critical_pressure(S0, a):
        """Root of 2 (S0 - P) = P^a (elastic zone: sigma_r + sigma_theta = 2 sigma_0;
        yield at the wall)."""
        return brentq(lambda P: P ** a - 2.0 * (S0 - P), 0.0, S0, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                      maxiter=500)

    def scaled_radial_stress(self, r):
        """S_r(r) in the plastic zone (closed form, any a)."""
        b = 1.0 - self.a
        return (self.Pi ** b + b * np.log(np.asarray(r, float) / self.R)) ** (1.0 / b)

    def _compressive(self, r):
        """(sigma_r, sigma_theta) as compressive magnitudes."""
        r = np.asarray(r, float)
        Rp2 = (self.R_pl / r) ** 2
        sr = self.sigma_0 - (self.sigma_0 - self.p_cr) * Rp2
        st = self.sigma_0 + (self.sigma_0 - self.p_cr) * Rp2
        if self.plastic:
            inside = r < self.R_pl
            Sr = self.scaled_radial_stress(np.where(inside, r, self.R_pl))
            sr = np.where(inside, (Sr - self.shift) * self.scale, sr)
            st = np.where(inside, (Sr + Sr ** self.a - self.shift) * self.scale, st)
        return sr, st

    def sigma_r(self, r):
        """Radial stress, tension positive."""
        return -self._compressive(r)[0]

    def sigma_theta(self, r):
        """Hoop stress, tension positive."""
        return -self._compressive(r)[1]

    def sigma_z(self, r):
        """Axial (out-of-plane) stress, tension positive: plane strain, no plastic axial
        strain, so its change from the in-situ -sigma_0 is nu times that of sigma_r + sigma_theta."""
        sr, st = self._compressive(r)
        return -self.sigma_0 - self.nu * ((sr - self.sigma_0) + (st - self.sigma_0))

    def out_of_plane_margin(self, n=2001):
        """(min(sigma_z - sigma_theta), min(sigma_r - sigma_z)) over R <= r <= R_pl,
        tension positive: both >= 0 when sigma_z is the intermediate principal stress."""
        rr = np.linspace(self.R, self.R_pl, n)
        sz = self.sigma_z(rr)
        return float(np.min(sz - self.sigma_theta(rr))), float(np.min(self.sigma_r(rr) - sz))

    # ---- displacement ---------------------------------------------------------
    def _elastic_strains(self, r):
        """Elastic strains (tension positive) from the stress change since the in-situ state."""
        sr, st = self._compressive(r)
        dr, dt = -(sr - self.sigma_0), -(st - self.sigma_0)  # tension-positive increments
        c = 1.0 / (2.0 * self.G)
        return c * ((1.0 - self.nu) * dr - self.nu * dt), c * ((1.0 - self.nu) * dt - self.nu * dr)

    def _u_at_interface(self):
        return -(self.sigma_0 - self.p_cr) * self.R_pl / (2.0 * self.G)

    def _integrate_displacement(self):
        """The flow-rule ODE, from R_pl inwards to R, in rho = r / R_pl and U = u / R_pl."""
        K = self.K_psi

        def rhs(rho, U):
            er, et = self._elastic_strains(rho * self.R_pl)
            return er + K * et - K * U / rho

        U1 = self._u_at_interface() / self.R_pl
        return solve_ivp(rhs, (1.0, self.R / self.R_pl), [U1], method="DOP853", rtol=self.rtol,
                         atol=abs(U1) * self.rtol * 1e-3, dense_output=True)

    def u(self, r):
        """Radial displacement caused by the excavation, outward positive."""
        r = np.asarray(r, float)
        out = -(self.sigma_0 - self.p_cr) * self.R_pl ** 2 / (2.0 * self.G * r)
        if self.plastic:
            inside = r < self.R_pl
            rho = np.where(inside, r, self.R_pl) / self.R_pl
            out = np.where(inside, self._u_ode.sol(rho)[0] * self.R_pl, out)
        return out

    def u_by_quadrature(self, r):
        """Same displacement from the integrating-factor form
        u(r) = r^-K [R_pl^K u(R_pl) + int_{R_pl}^r t^K (eps_r^e + K eps_theta^e) dt]  (a check)."""
        K = self.K_psi
        if not self.plastic or r >= self.R_pl:
            return float(self.u(r))

        def f(t):
            er, et = self._elastic_strains(t)
            return t ** K * (er + K * et)

        integral = quad(f, self.R_pl, r, epsabs=0.0, epsrel=1e-12, limit=200)[0]
        return r ** (-K) * (self.R_pl ** K * self._u_at_interface() + integral)

    # ---- published a = 1/2 closed forms (checks only) ---------------------------
    def closed_form_half(self, r):
        """Carranza-Torres & Fairhurst (1999, 2000) for a = 1/2: returns
        (P_cr, R_pl, u(r)) with u outward positive, for R <= r <= R_pl."""
        if abs(self.a - 0.5) > 1e-15:
            raise ValueError("closed form needs a = 1/2")
        P_cr = (1.0 - math.sqrt(1.0 + 16.0 * self.S0)) ** 2 / 16.0
        R_pl = self.R * math.exp(2.0 * (math.sqrt(P_cr) - math.sqrt(self.Pi)))
        K, nu, dS = self.K_psi, self.nu, self.S0 - P_cr
        p_cr = (P_cr - self.s / self.mb ** 2) * self.mb * self.sigma_ci
        x = R_pl / r
        L = math.log(x)
        bracket = ((1.0 - 2.0 * nu) / (K + 1.0) * math.sqrt(P_cr) / dS
                   + (1.0 - nu) / 2.0 * (K - 1.0) / (K + 1.0) ** 2 / dS)
        inward = ((K - 1.0) / (K + 1.0) + 2.0 / (K + 1.0) * x ** (K + 1.0)
                  + (1.0 - 2.0 * nu) / (4.0 * dS) * L ** 2
                  - bracket * ((K + 1.0) * L - x ** (K + 1.0) + 1.0))
        return P_cr, R_pl, -inward * (self.sigma_0 - p_cr) * r / (2.0 * self.G)

    def summary(self):
        return dict(mb=self.mb, s=self.s, a=self.a, S0=self.S0, Pi=self.Pi, P_cr=self.P_cr,
                    p_cr=self.p_cr, plastic=self.plastic, R_pl=self.R_pl, R_pl_over_R=self.R_pl / self.R,
                    u_wall=self.u_wall, u_wall_over_R=self.u_wall / self.R,
                    u_elastic_wall=-(self.sigma_0 - self.p_i) * self.R / (2.0 * self.G))


# ---- self-checks ----------------------------------------------------------------
def _rel(x, y):
    return abs(x - y) / max(abs(y), 1e-300)


def self_checks(verbose=True):
    """Returns {name: error}; prints each. Every error should be ~1e-10 or smaller."""
    errors = {}

    def report(name, err):
        errors[name] = err
        if verbose:
            print(f"  {name:<78s} {err:10.2e}")

    # A rock with a = 1/2 exactly (data of the FLAC verification case) and a GSI rock.
    half = dict(R=2.0, sigma_0=30.0, p_i=5.0, sigma_ci=30.0, mb=1.7, s=0.0039, a=0.5, E=5500.0, nu=0.25)
    mb, s, a = hoek_brown_parameters(35.0, 10.0, 0.0)
    gen = dict(R=1.0, sigma_0=7.5, p_i=0.0, sigma_ci=10.0, mb=mb, s=s, a=a, E=1500.0, nu=0.3)

    for psi in (0.0, 20.0):
        h = HoekBrownOpening(psi_deg=psi, **half)
        P_cr, R_pl, _ = h.closed_form_half(h.R)
        report(f"a=1/2 psi={psi:g}: P_cr root vs (1-sqrt(1+16 S0))^2/16", _rel(h.P_cr, P_cr))
        report(f"a=1/2 psi={psi:g}: R_pl vs R exp(2(sqrt(P_cr)-sqrt(P_i)))", _rel(h.R_pl, R_pl))
        worst = max(_rel(float(h.u(r)), h.closed_form_half(r)[2])
                    for r in np.linspace(h.R, h.R_pl, 9))
        report(f"a=1/2 psi={psi:g}: u(r) ODE vs Carranza-Torres & Fairhurst closed form", worst)

    for psi in (0.0, 20.0):
        g = HoekBrownOpening(psi_deg=psi, **gen)
        worst = max(_rel(float(g.u(r)), g.u_by_quadrature(r)) for r in np.linspace(g.R, g.R_pl, 7))
        report(f"a={g.a:.4f} psi={psi:g}: u(r) ODE vs quadrature", worst)

    # The stress field by integrating equilibrium numerically (d sigma_r/dr = (sigma_theta - sigma_r)/r,
    # sigma_theta from the criterion in unscaled form), against the scaled closed form.
    for case in (half, gen):
        g = HoekBrownOpening(**case)

        def equilibrium(r, y):
            sr = y[0]  # compressive magnitude
            return [g.sigma_ci * (g.mb * sr / g.sigma_ci + g.s) ** g.a / r]

        sol = solve_ivp(equilibrium, (g.R, g.R_pl), [g.p_i], method="DOP853", rtol=1e-13, atol=1e-14,
                        dense_output=True)
        rr = np.linspace(g.R, g.R_pl, 11)
        worst = max(_rel(sol.sol(r)[0], -float(g.sigma_r(r))) for r in rr[1:])
        report(f"a={g.a:.4f}: sigma_r equilibrium ODE vs closed form in the plastic zone", worst)
        report(f"a={g.a:.4f}: sigma_r at R_pl from the ODE vs p_cr", _rel(sol.sol(g.R_pl)[0], g.p_cr))

    # Residuals of the solution itself (general a): yield, flow rule, continuity.
    for psi in (0.0, 20.0):
        g = HoekBrownOpening(psi_deg=psi, **gen)
        rr = np.linspace(g.R, g.R_pl, 9)[1:-1]
        sr, st = g._compressive(rr)
        f = st - sr - g.sigma_ci * (g.mb * sr / g.sigma_ci + g.s) ** g.a
        report(f"a={g.a:.4f} psi={psi:g}: yield function / sigma_ci in the plastic zone",
               float(np.max(np.abs(f))) / g.sigma_ci)
        h = 1e-3 * g.R
        flow = []
        for r in rr:
            uu = [float(g.u(r + k * h)) for k in (-2, -1, 1, 2)]
            dudr = (uu[0] - 8 * uu[1] + 8 * uu[2] - uu[3]) / (12 * h)  # 4th-order central difference
            er, et = g._elastic_strains(r)
            epr, ept = dudr - er, float(g.u(r)) / r - et
            flow.append(abs(epr + g.K_psi * ept) / abs(epr))
        report(f"a={g.a:.4f} psi={psi:g}: flow rule eps_r^p + K_psi eps_t^p (FD, rel.)", max(flow))
        u_plastic_side = float(g._u_ode.sol(1.0)[0]) * g.R_pl
        report(f"a={g.a:.4f} psi={psi:g}: u continuity at R_pl (ODE end vs elastic zone)",
               _rel(u_plastic_side, -(g.sigma_0 - g.p_cr) * g.R_pl / (2 * g.G)))
        S = g.scaled_radial_stress(g.R_pl)
        report(f"a={g.a:.4f} psi={psi:g}: sigma_theta continuity at R_pl (criterion vs elastic zone)",
               _rel((S + S ** g.a - g.shift) * g.scale, 2 * g.sigma_0 - g.p_cr))

    # The general-a path is continuous into a = 1/2 (a = 1/2 + 1e-9 against the a = 1/2 closed form).
    h = HoekBrownOpening(**{**half, "a": 0.5 + 1e-11})
    h0 = HoekBrownOpening(**half)
    report("a=1/2+1e-11 (general path) vs a=1/2 closed form: u(R)",
           _rel(h.u_wall, h0.closed_form_half(h0.R)[2]))
    # Onset of yield: just below p_cr the wall displacement is the elastic one.
    g = HoekBrownOpening(**gen)
    g2 = HoekBrownOpening(**{**gen, "p_i": g.p_cr * (1 - 1e-9)})
    report("p_i -> p_cr-: u(R) vs elastic -(sigma_0 - p_i) R / 2G",
           _rel(g2.u_wall, -(g2.sigma_0 - g2.p_i) * g2.R / (2 * g2.G)))
    return errors


# ---- published example and the FE case -------------------------------------------
def published_example():
    """Itasca's verification problem 'Cylindrical Hole in an Infinite Hoek-Brown Medium'
    (FLAC3D 5.01 Verification Problems, section 2, eqs 2.1-2.5; the same case is in the
    current FLAC2D/FLAC3D online documentation), which evaluates the Carranza-Torres &
    Fairhurst (1999) solution, a = 1/2, non-associated with psi = 0:
      b = 2 m, sigma_o = 30 MPa, p_i = 5 MPa, G = 2.20 GPa, K = 3.667 GPa (E = 5.50 GPa,
      nu = 0.25), m_b = 1.7, s = 0.0039, a = 0.5, sigma_ci = 30 MPa.
    Printed there: S_o = 0.590, P_i = 0.099, P_i^cr = 0.311, p_i^cr = 15.8 MPa,
    b_pl = 1.62 b = 3.2 m.  (No wall displacement value is printed in the text we saw.)
    The worked example of the Carranza-Torres (2004) paper itself could not be read here
    (only the paper's first page was reachable), so it is not reproduced."""
    G, K = 2200.0, 3667.0
    nu = (3 * K - 2 * G) / (2 * (3 * K + G))
    E = 2 * G * (1 + nu)
    sol = HoekBrownOpening(R=2.0, sigma_0=30.0, p_i=5.0, sigma_ci=30.0, mb=1.7, s=0.0039, a=0.5,
                           E=E, nu=nu, psi_deg=0.0)
    published = dict(S0=0.590, Pi=0.099, P_cr=0.311, p_cr=15.8, R_pl_over_R=1.62, R_pl=3.2)
    print(f"  (E = {E:.1f} MPa, nu = {nu:.4f} from G and K)")
    print(f"  {'quantity':<12s} {'this script':>14s} {'published':>10s}")
    for k, v in published.items():
        mine = getattr(sol, k) if hasattr(sol, k) else sol.R_pl / sol.R
        print(f"  {k:<12s} {mine:14.6f} {v:10.3f}")
    print(f"  u(R) = {sol.u_wall * 1000:.3f} mm, u(R)/R = {sol.u_wall / sol.R:.6e} "
          f"(elastic would be {-(sol.sigma_0 - sol.p_i) * sol.R / (2 * sol.G) * 1000:.3f} mm)")
    return sol


# The recommended FE test: weak rock GSI 40, m_i 10, D 0, sigma_ci 10 MPa, E 4 GPa (a
# plain value; Hoek & Diederichs 2006 simplified gives 3.99 GPa for GSI 40), nu 0.3,
# sigma_0 10 MPa, p_i 2.5 MPa, R 1 m: R_pl/R = 1.64 and sigma_z stays intermediate with
# a margin of 0.75 MPa. P_I0_CASE is the same rock unloaded to p_i = 0 (sigma_0 7.5 MPa):
# R_pl/R = 3.2, but sigma_z becomes the major compressive stress near the wall (see
# VALIDITY in the module docstring), so it is no test of a three-dimensional HB model.
FE_CASE = dict(R=1.0, sigma_0=10.0, p_i=2.5, sigma_ci=10.0, gsi=40.0, mi=10.0, D=0.0, E=4000.0, nu=0.3)
P_I0_CASE = dict(FE_CASE, sigma_0=7.5, p_i=0.0)


def print_solution(sol, profile_points=0):
    d = sol.summary()
    print(f"  m_b = {d['mb']:.6f}  s = {d['s']:.6e}  a = {d['a']:.6f}  K_psi = {sol.K_psi:.6f}")
    print(f"  S_0 = {d['S0']:.6f}  P_i = {d['Pi']:.6f}  P_cr = {d['P_cr']:.6f}")
    print(f"  p_cr = {d['p_cr']:.6f}   plastic = {d['plastic']}")
    print(f"  R_pl = {d['R_pl']:.6f}   R_pl/R = {d['R_pl_over_R']:.6f}")
    print(f"  u(R) = {d['u_wall']:.6e}   u(R)/R = {d['u_wall_over_R']:.6e}   "
          f"(elastic: {d['u_elastic_wall']:.6e})")
    if sol.plastic:
        m1, m2 = sol.out_of_plane_margin()
        verdict = "valid" if min(m1, m2) >= 0 else "NOT valid for a 3D criterion: sigma_z leaves the middle"
        print(f"  sigma_z margins: min(sigma_z - sigma_theta) = {m1:+.4f}, min(sigma_r - sigma_z) = {m2:+.4f}"
              f"  -> {verdict}")
    if profile_points:
        rmax = max(3.0 * sol.R_pl, 2.0 * sol.R)
        print(f"  {'r':>10s} {'sigma_r':>13s} {'sigma_theta':>13s} {'sigma_z':>13s} {'u':>13s}")
        for r in np.unique(np.concatenate([np.linspace(sol.R, sol.R_pl, profile_points),
                                           np.linspace(sol.R_pl, rmax, profile_points)])):
            print(f"  {r:10.5f} {float(sol.sigma_r(r)):13.6e} {float(sol.sigma_theta(r)):13.6e} "
                  f"{float(sol.sigma_z(r)):13.6e} {float(sol.u(r)):13.6e}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--R", type=float, default=FE_CASE["R"])
    p.add_argument("--sigma0", type=float, default=FE_CASE["sigma_0"], help="far-field compression (magnitude)")
    p.add_argument("--pi", type=float, default=FE_CASE["p_i"], help="internal pressure (magnitude)")
    p.add_argument("--sigma-ci", type=float, default=FE_CASE["sigma_ci"])
    p.add_argument("--gsi", type=float, default=FE_CASE["gsi"])
    p.add_argument("--mi", type=float, default=FE_CASE["mi"])
    p.add_argument("--D", type=float, default=FE_CASE["D"])
    p.add_argument("--mb", type=float, help="give m_b, s, a directly instead of GSI, m_i, D")
    p.add_argument("--s", type=float)
    p.add_argument("--a", type=float)
    p.add_argument("--E", type=float, default=None,
                   help="default: Hoek & Diederichs (2006) simplified for the GSI and D given, MPa")
    p.add_argument("--nu", type=float, default=FE_CASE["nu"])
    p.add_argument("--psi", type=float, default=0.0, help="dilation angle, degrees")
    p.add_argument("--profile", type=int, default=0, help="print a profile with N points per zone")
    p.add_argument("--checks", action="store_true", help="only the self-checks (exit status 1 on failure)")
    args = p.parse_args(argv)

    if args.checks or not argv:
        print("Self-checks (relative errors):")
        worst = max(self_checks().values())
        print(f"  worst: {worst:.2e}  ({'pass' if worst < 1e-8 else 'FAIL'} at 1e-8)")
        if args.checks:
            return 0 if worst < 1e-8 else 1
        print("\nPublished example (Itasca's verification of Carranza-Torres & Fairhurst 1999, a = 1/2, psi = 0):")
        published_example()
        for title, case in (("Recommended FE test", FE_CASE), ("Same rock at p_i = 0 (for the record)", P_I0_CASE)):
            print(f"\n{title}: GSI {case['gsi']:g}, m_i {case['mi']:g}, D {case['D']:g}, sigma_ci "
                  f"{case['sigma_ci']:g} MPa, E {case['E']:g} MPa, nu {case['nu']:g}, sigma_0 {case['sigma_0']:g} MPa, "
                  f"p_i {case['p_i']:g} MPa, R {case['R']:g} m")
            for psi in (0.0, 10.0):
                print(f" psi = {psi:g} deg")
                print_solution(HoekBrownOpening.from_gsi(psi_deg=psi, **case), args.profile)
        return 0

    if args.mb is not None:
        if args.s is None or args.a is None:
            p.error("--mb needs --s and --a")
        mb, s, a = args.mb, args.s, args.a
    else:
        mb, s, a = hoek_brown_parameters(args.gsi, args.mi, args.D)
    E = args.E if args.E is not None else hoek_diederichs_modulus(args.gsi, args.D)
    sol = HoekBrownOpening(args.R, args.sigma0, args.pi, args.sigma_ci, mb, s, a, E, args.nu, args.psi)
    print(f"  E = {E:.6g}, nu = {args.nu}")
    print_solution(sol, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
