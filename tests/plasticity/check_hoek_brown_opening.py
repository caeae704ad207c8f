"""Circular opening in a generalised Hoek-Brown rock mass under hydrostatic
in-plane stress against Carranza-Torres's (2004) solution (GSI 50, mi 10,
D 0, sigma_ci 40 MPa, E 4 GPa, nu 0.25, sigma_0 10 MPa in plane and 5.6 MPa
out of plane, no support pressure;
the flow rule of the solution: Mohr-Coulomb-type potential with dilation
angle psi, here 0 and 10 degrees). The reference is
tests/verification/hoek_brown_opening_reference.py (closed form for the
stresses and the plastic radius, the flow rule's ODE for the displacement,
checked there against the a = 1/2 closed forms).

Checked within 1 %: the plastic radius and the wall displacement. The FE
plastic radius comes from the elastic zone alone: there the stresses are
exactly -sigma_0 +- B / r^2, so B is fitted on the probes beyond 1.25 R_pl
and the radius is where those stresses reach the criterion. The radial and
hoop stresses along y = 0 are printed beside the solution."""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "verification"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402
from hoek_brown_opening_reference import HoekBrownOpening  # noqa: E402

E, NU, SIGMA_0, SIGMA_CI, GSI, MI = 4e9, 0.25, 10e6, 40e6, 50, 10
K0_OUT_OF_PLANE = 0.56  # the case's: sigma_z stays intermediate in the plastic zone
G = E / (2 * (1 + NU))


def plastic_radius_from_elastic_zone(probes, solution):
    """Fits B in sigma_r = -sigma_0 + B / r^2, sigma_t = -sigma_0 - B / r^2
    (least squares on both) and solves for the radius where the criterion
    is met."""
    num = den = 0.0
    for p in probes:
        r = p["point"][0]
        if r < 1.25 * solution.R_pl:
            continue
        sr, st = p["stress"]["xx"], p["stress"]["yy"]
        num += ((sr + SIGMA_0) - (st + SIGMA_0)) / r ** 2
        den += 2 / r ** 4
    B = num / den
    mb, s, a = solution.mb, solution.s, solution.a

    def f(rho):  # HB yield function of the elastic-zone stresses at rho (tension +)
        major, minor = -SIGMA_0 + B / rho ** 2, -SIGMA_0 - B / rho ** 2
        return major - minor - SIGMA_CI * (s - mb * major / SIGMA_CI) ** a

    lo, hi = 1.0, 8.0  # f > 0 inside, < 0 outside
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)


def main():
    for psi in (0, 10):
        solution = HoekBrownOpening.from_gsi(R=1.0, sigma_0=SIGMA_0, p_i=0.0, sigma_ci=SIGMA_CI, gsi=GSI,
                                             mi=MI, D=0.0, E=E, nu=NU, psi_deg=psi)
        # Exact elastic-zone displacement on the outer boundary: u = -U / r.
        U = (SIGMA_0 - solution.p_cr) * solution.R_pl ** 2 / (2 * G)
        out = scratch(f"hoek_brown_opening_psi{psi}")
        # The unit with this dilation angle, in a library of its own.
        library = scratch(f"hoek_brown_opening_psi{psi}_materials")
        os.makedirs(library, exist_ok=True)
        with open(os.path.join(HERE, "materials", "hoek_brown_rock.prm")) as f:
            unit = f.read().replace("set Dilation angle              = 0",
                                    f"set Dilation angle              = {psi}")
        with open(os.path.join(library, "hoek_brown_rock.prm"), "w") as f:
            f.write(unit)
        run_roofspan(os.path.join(HERE, "hoek_brown_opening.prm"), out,
                     sets=[f"Boundary conditions/Displacement function/Function constants=U={U!r}",
                           f"Materials/Library directories={library}"])
        s = load_summary(out)
        probes = [p for p in s["probes"] if p["name"].startswith("r")]
        print(f"psi = {psi} deg: R_pl = {solution.R_pl:.4f} m, u(R) = {solution.u(1.0):.5e} m, "
              f"{s['dofs']} DoFs")
        print(f"  {'r [m]':>6s} {'sigma_r FE':>12s} {'closed':>12s} {'sigma_t FE':>12s} {'closed':>12s}  [MPa]")
        for p in sorted(probes, key=lambda p: p["point"][0]):
            r = p["point"][0]
            print(f"  {r:6.2f} {p['stress']['xx'] / 1e6:12.3f} {solution.sigma_r(r) / 1e6:12.3f} "
                  f"{p['stress']['yy'] / 1e6:12.3f} {solution.sigma_theta(r) / 1e6:12.3f}")
        wall = [p for p in probes if p["name"] == "r1.00"][0]
        c = Checks(f"Hoek-Brown circular opening, psi = {psi} deg (Carranza-Torres 2004)")
        # The reference's sigma_z starts from -sigma_0; the case's from -K0 sigma_0.
        shift = (1 - K0_OUT_OF_PLANE) * SIGMA_0
        radii = [1 + (solution.R_pl - 1) * k / 400 for k in range(401)]
        margins = (min(solution.sigma_z(r) + shift - solution.sigma_theta(r) for r in radii),
                   min(solution.sigma_r(r) - solution.sigma_z(r) - shift for r in radii))
        c.condition(f"closed form valid: sigma_z intermediate in the plastic zone (margins "
                    f"{margins[0] / 1e6:.2f}, {margins[1] / 1e6:.2f} MPa)", min(margins) > 0)
        c.relative("plastic radius [m]", plastic_radius_from_elastic_zone(probes, solution), solution.R_pl, 0.01)
        c.relative("wall displacement [m]", wall["displacement"][0], solution.u(1.0), 0.01)
        c.condition("yielded points reported", s["plasticity"]["yielded_points"] > 0)
        c.finish()


main()
