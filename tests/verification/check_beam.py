"""Clamped roof layer under its own weight against beam theory with the
shear (Timoshenko) term: mid-span deflection and mid-span bottom stress
(<= 2 %). Plane strain: the bending stiffness uses E / (1 - nu^2)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, probe, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
L, t, gamma, E, nu = 10.0, 0.5, 24000.0, 5e9, 0.25   # clamped_beam.prm
kappa = 5.0 / 6.0                                       # rectangular section


def main():
    case = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "clamped_beam.prm")
    label = sys.argv[2] if len(sys.argv) > 2 else "built-in mesh"
    sets = [f"Geometry/Gmsh/Mesh file={sys.argv[3]}"] if len(sys.argv) > 3 else []
    out = scratch("beam_" + label.replace(" ", "_"))
    run_roofspan(case, out, sets=sets)
    s = load_summary(out)

    q = gamma * t                      # load per metre of span and of drift
    E_ps = E / (1 - nu ** 2)           # plane-strain bending modulus
    G = E / (2 * (1 + nu))
    I, A = t ** 3 / 12, t
    bending = q * L ** 4 / (384 * E_ps * I)
    shear = q * L ** 2 / (8 * kappa * G * A)
    stress = (q * L ** 2 / 24) * (t / 2) / I

    c = Checks(f"Clamped roof layer vs Timoshenko beam ({label}, Q{s['degree']}, {s['dofs']} DoFs)")
    deflection = -probe(s, "mid_span_axis")["displacement"][1]
    print(f"  (Euler-Bernoulli alone {bending:.6g} m; the shear term adds {100 * shear / bending:.2f} %; "
          f"FE differs from it by {100 * (deflection - bending) / bending:.2f} %)")
    c.relative("mid-span deflection [m]", deflection, bending + shear, 0.02)
    c.relative("mid-span bottom stress sigma_xx [Pa]", probe(s, "mid_span_bottom")["stress"]["xx"], stress, 0.02)
    c.relative("mid-span top stress sigma_xx [Pa]", probe(s, "mid_span_top")["stress"]["xx"], -stress, 0.02)
    c.finish()


main()
