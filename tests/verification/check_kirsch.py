"""Kirsch: wall hoop stress and wall displacement of a circular opening under
biaxial far-field stress, Q2 elements, against the closed form (<= 1 %).

    check_kirsch.py RANKS [assembled|matrix-free]   (Linear solver/Operator)"""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, probe, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# The case's data (kirsch.prm): a = 1 m, E = 10 GPa, nu = 0.25.
a, E, nu = 1.0, 10e9, 0.25
Sy, Sx = -10e6, -5e6
G = E / (2 * (1 + nu))
P, Q = (Sx + Sy) / 2, (Sx - Sy) / 2


def hoop_at_wall(theta):
    return 2 * P - 4 * Q * math.cos(2 * theta)


def radial_displacement_at_wall(theta):
    return P * a / (2 * G) + Q * a / (2 * G) * (4 * (1 - nu) - 1) * math.cos(2 * theta)


def main():
    ranks = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    operator = sys.argv[2] if len(sys.argv) > 2 else "assembled"
    out = scratch(f"kirsch_{ranks}ranks_{operator}")
    run_roofspan(os.path.join(HERE, "kirsch.prm"), out, ranks=ranks,
                 sets=["Discretization/Global refinements=2", f"Linear solver/Operator={operator}"])
    s = load_summary(out)
    c = Checks(f"Kirsch circular opening, Q2, {s['dofs']} DoFs, {ranks} rank(s), {s['solver']['operator']} "
               f"operator, {s['solver']['iterations']} CG iterations")
    c.condition(f"the {operator} operator ran", s["solver"]["operator"] == operator, s["solver"]["operator"])
    spring, crown = probe(s, "wall_springline"), probe(s, "wall_crown")
    c.relative("hoop stress at springline (theta=0) [Pa]", spring["stress"]["yy"], hoop_at_wall(0), 0.01)
    c.relative("hoop stress at crown (theta=90) [Pa]", crown["stress"]["xx"], hoop_at_wall(math.pi / 2), 0.01)
    c.relative("wall displacement at springline [m]", spring["displacement"][0], radial_displacement_at_wall(0), 0.01)
    c.relative("wall displacement at crown [m]", crown["displacement"][1], radial_displacement_at_wall(math.pi / 2), 0.01)
    c.condition("relative L2 displacement error < 1e-3", s["error"]["l2_relative"] < 1e-3,
                f"{s['error']['l2_relative']:.3e}")
    c.finish()


main()
