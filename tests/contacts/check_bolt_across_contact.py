"""A fully grouted bolt whose steel yields across an opening bedding contact
(tests/bolts/joint.prm: two rigid blocks pulled 4 mm apart, the bolt bonded
on both sides; here the blocks meet on a contact with no tensile strength,
and the bolt's grout holds more than its steel, 300 kN/m). The force at the
contact against the closed form of a bar with an elastic-plastic bond and
linear steel hardening on each side of a sharp joint, at 1, 2 and 4 bolt
elements per host cell: within 1 % each, so the force at a yielding contact
does not depend on the bolt's discretisation.

Closed form, each side i (length L_i, rigid host): slip s_y = q_max / k_b at
the end of a bond-slipping zone of length a_i next to the joint, where the
force falls linearly (N0 - q_max x) to the elastic bar-on-foundation value
EA lambda s_y tanh(lambda (L_i - a_i)); the joint-face slip is s_y plus the
bar's stretch over a_i (elastic, plus (N - N_y) / H where the steel has
yielded). The two slips add up to the opening; N0 by bisection."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

CASE = os.path.join(ROOT, "tests", "bolts", "joint.prm")
EA = 200e9 * 284e-6                          # nonlinear/materials/strong_bond_bolt.prm
k_b, q_max, N_y, N_u, e_u = 4e8, 300e3, 117.6e3, 176e3, 0.1
H = (N_u - N_y) / (e_u - N_y / EA)           # hardening, force per unit plastic strain
lam = math.sqrt(k_b / EA)
s_y = q_max / k_b
delta, L_below, L_above = 4e-3, 1.0, 0.99    # joint.prm: opening; bolt either side of the contact


def joint_slip(N0, L):
    """Slip at the joint face of a bar of length L pulled by N0 there."""
    elastic_capacity = EA * lam * s_y * math.tanh(lam * L)
    if N0 <= elastic_capacity:
        return N0 / (EA * lam * math.tanh(lam * L))
    lo, hi = 0.0, L
    for _ in range(200):
        a = (lo + hi) / 2
        lo, hi = (a, hi) if N0 - q_max * a > EA * lam * s_y * math.tanh(lam * (L - a)) else (lo, a)
    N_t = N0 - q_max * a
    s = s_y + (N0 + N_t) / 2 * a / EA
    if N0 > N_y:
        x_y = min((N0 - N_y) / q_max, a)
        s += (N0 - N_y) * x_y / H - q_max * x_y ** 2 / (2 * H)
    return s


def closed_form():
    lo, hi = 1.0, N_u
    for _ in range(200):
        N0 = (lo + hi) / 2
        lo, hi = (N0, hi) if joint_slip(N0, L_below) + joint_slip(N0, L_above) < delta else (lo, N0)
    return N0


def main():
    exact = closed_form()
    c = Checks(f"Bolt yielding across an opening contact vs closed form with hardening ({exact / 1e3:.2f} kN)")
    forces = []
    for per_cell in (1, 2, 4):
        out = scratch(f"bolt_across_contact_{per_cell}")
        run_roofspan(CASE, out, sets=[
            "Materials/Library directories=materials, ../nonlinear/materials, ../contacts/materials",
            "Bolts/Product=strong bond bolt", f"Bolts/Elements per cell={per_cell}",
            "Boundary conditions/Displacement function/Function expression=0; -4e-3",
            "Stratigraphy/Layers above floor=rigid rock: 1.01, rigid rock: 1.5",
            "Stratigraphy/Contacts=1.01: open contact"])
        s = load_summary(out)
        bolt = s["bolts"]["list"][0]
        forces.append(bolt["peak_axial_force"])
        c.relative(f"{per_cell} element(s) per cell: force at the contact [N]", bolt["peak_axial_force"], exact, 0.01)
        c.condition(f"{per_cell} per cell: steel yielded, peak in the contact layer",
                    bolt["yielded"] and 1.0 - 1e-9 <= bolt["peak_at"] <= 1.01 + 1e-9,
                    f"at {bolt['peak_at']:.4f} m")
        c.condition(f"{per_cell} per cell: the contact open",
                    s["contacts"][0]["open_points"] == s["contacts"][0]["points"],
                    f"opening {1e3 * s['contacts'][0]['max_opening']['value']:.3f} mm")
    print(f"  (spread over 1, 2, 4 elements per cell: {100 * (max(forces) - min(forces)) / exact:.2f} % of the force)")
    c.finish()


main()
