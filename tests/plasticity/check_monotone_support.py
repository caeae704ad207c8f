"""The factor of safety is monotone in the support on the default case
(with its clay-breccia bedding contact) coarsened to 0.3 m cells at the
opening: the same bolts at increasing density (3 per row at 2 m, 3 at 1.5 m,
4 at 1.2 m: 1.5, 2 and 3.3 bolts per metre of drift; two per row cannot hold
the separated clay at all) give non-decreasing factors of safety within
their stated tolerance, and every one is at least the unbolted roof's (below
1: unbolted, this roof does not stand). Each factor is printed with its
bracket and the criterion that ended its path, so that a change of verdict
is visible. 2 ranks.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
PATTERNS = ((3, 2.0), (3, 1.5), (4, 1.2))


def main():
    c = Checks("Factor of safety monotone in the support (default case with its contact, 0.3 m cells, 2 ranks)")
    factors = []
    unbolted = None
    for i, (n, spacing) in enumerate(PATTERNS):
        out = scratch(f"monotone_{n}_at_{spacing:g}")
        run_roofspan(CASE, out, ranks=2, sets=[
            f"Bolts/Bolts per row={n}", f"Bolts/Row spacing={spacing}",
            f"Strength reduction/Include unbolted={'true' if i == 0 else 'false'}",
            "Geometry/Room and pillar/Cell size at opening=0.3",
            "Output/Write VTU=false", "Output/Write HDF5=false"])
        s = load_summary(out)
        fos = s["factor_of_safety"]
        print(f"  {n} bolts per row at {spacing:g} m ({n / spacing:.2f} per m): F = {fos['value']:.4f} "
              f"bracket {fos['bracket']}, {fos['failure_criterion']}")
        factors.append((n, spacing, fos["value"], fos["bracket"][1] - fos["bracket"][0]))
        if i == 0:
            u = s["factor_of_safety_unbolted"]
            unbolted = (u["value"], u["bracket"][1] - u["bracket"][0])
            print(f"  unbolted: F = {unbolted[0]:.4f} bracket {u['bracket']}, {u['failure_criterion']}")
    # "Within the tolerance": a factor is known to its bracket, so two factors
    # contradict the ordering only if they differ by more than the wider of
    # their brackets (0.0125-0.025 here, under 2 % of F).
    for n, spacing, value, width in factors:
        w = max(width, unbolted[1])
        c.condition(f"{n} at {spacing:g} m: F = {value:.4f} >= unbolted {unbolted[0]:.4f} (within {w:g})",
                    value >= unbolted[0] - w)
    for (n0, s0, f0, w0), (n1, s1, f1, w1) in zip(factors, factors[1:]):
        w = max(w0, w1)
        c.condition(f"{n1} at {s1:g} m (F = {f1:.4f}) >= {n0} at {s0:g} m (F = {f0:.4f}) within {w:g}",
                    f1 >= f0 - w)
    c.finish()


main()
