"""Mesh convergence on the Kirsch problem: L2 and H1-seminorm displacement
errors under uniform refinement must fall at the rates of the element:
h^(p+1) and h^p for FE_Q(p)."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    c = Checks("Mesh convergence, Kirsch problem")
    for degree, refinements in ((1, (1, 2, 3, 4)), (2, (0, 1, 2, 3))):
        errors = []
        for r in refinements:
            out = scratch(f"convergence_q{degree}_r{r}")
            run_roofspan(os.path.join(HERE, "kirsch.prm"), out,
                         sets=[f"Discretization/Polynomial degree={degree}",
                               f"Discretization/Global refinements={r}",
                               "Output/Write VTU=false", "Output/Write HDF5=false"])
            s = load_summary(out)
            errors.append((s["dofs"], s["error"]["l2"], s["error"]["h1_seminorm"]))
        print(f"  Q{degree}:  {'DoFs':>8s} {'L2 error':>12s} {'rate':>6s} {'H1 error':>12s} {'rate':>6s}")
        for i, (n, l2, h1) in enumerate(errors):
            rl2 = math.log2(errors[i - 1][1] / l2) if i else float("nan")
            rh1 = math.log2(errors[i - 1][2] / h1) if i else float("nan")
            print(f"       {n:8d} {l2:12.4e} {rl2:6.2f} {h1:12.4e} {rh1:6.2f}")
        rate_l2 = math.log2(errors[-2][1] / errors[-1][1])
        rate_h1 = math.log2(errors[-2][2] / errors[-1][2])
        c.condition(f"Q{degree} L2 rate {rate_l2:.2f} >= {degree + 1 - 0.15}", rate_l2 >= degree + 1 - 0.15)
        c.condition(f"Q{degree} H1 rate {rate_h1:.2f} >= {degree - 0.15}", rate_h1 >= degree - 0.15)
    c.finish()


main()
