"""Factor of safety by shear strength reduction against a published
finite-element benchmark: Griffiths & Lane (1999), "Slope stability analysis
by finite elements", Geotechnique 49(3) 387-403, example 1 (2:1 slope,
H = 10 m, c'/(gamma H) = 0.05, phi' = 20 deg, psi = 0, no foundation layer):
FE factor of safety 1.4 (Bishop's and Morgenstern's charts: 1.38).
Limit 6 %: with at most 30 Newton iterations a step at a 1e-3 residual
tolerance (the paper allows 500). Measured by continuation (the default):
1.3375, bracket 1.3375-1.3406, "no equilibrium", 1.5 minutes; by bisection
1.328, "Newton stalled", 7 minutes. Either failure class is accepted and
printed: a solver-bounded factor is the factor-of-safety issue's to remove."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    mesh = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "meshes", "slope.msh")
    out = scratch("slope_ssr")
    run_roofspan(os.path.join(HERE, "slope.prm"), out, sets=[f"Geometry/Gmsh/Mesh file={mesh}"])
    s = load_summary(out)
    fos = s["factor_of_safety"]
    print(f"  trials: " + ", ".join(f"F={t['factor']:.3f} {'ok' if t['converged'] else 'fails'}"
                                     for t in fos["trials"]))
    c = Checks("Strength reduction: Griffiths & Lane (1999) slope, example 1")
    c.relative("factor of safety (lower bracket)", fos["value"], 1.4, 0.06)
    c.condition("bracket within the tolerance", fos["bracket"][1] - fos["bracket"][0] <= 0.02 * fos["bracket"][0] + 1e-12,
                f"[{fos['bracket'][0]:.4f}, {fos['bracket'][1]:.4f}]")
    c.condition("failure criterion reported", fos["failure_criterion"] in ("no equilibrium", "displacement jump", "Newton stalled"),
                fos["failure_criterion"])
    # The mechanism at the limit (the last stable state): the plastic zone
    # has grown from the one at F = 1, and the last increment still moved.
    m = fos["mechanism"]
    print(f"  at the limit F = {m['factor']:.4f}: {m['yielded_points']} yielded points "
          f"(F = 1: {s['plasticity']['yielded_points']}), last increment up to "
          f"{1000 * m['last_increment_max_displacement']:.2f} mm")
    c.condition("mechanism at the limit: its F is the factor", abs(m["factor"] - fos["value"]) < 1e-12,
                f"{m['factor']:.4f}")
    c.condition("mechanism at the limit: more points yielded than at F = 1",
                m["yielded_points"] > s["plasticity"]["yielded_points"],
                f"{m['yielded_points']} vs {s['plasticity']['yielded_points']}")
    c.condition("mechanism at the limit: the last increment moved the slope",
                m["last_increment_max_displacement"] > 0, f"{m['last_increment_max_displacement']:.3g} m")
    c.finish()


main()
