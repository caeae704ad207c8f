"""Suspension: a weak bed (0.5 m, 20 kN/m3) under stiffer rock, on a bedding
contact with no tensile strength and no cohesion, hangs on three fully
grouted 1.8 m bolts per row anchored in the rock above (the bolts cross the
contact; sides on rollers, so the bed can slide down the walls). The
contact opens along its whole length and, by statics, the bolts' forces
where they cross it sum to the bed's weight per row: within 1 %, in 2D
(rows 1 m apart, smeared) and in 3D (one explicit row in a 1 m slice
between symmetry planes, 2 ranks, coarser cells)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

CASE = os.path.join(ROOT, "tests", "bolts", "hanging_layer.prm")
gamma, t, width, spacing = 20e3, 0.5, 3.0, 1.0      # hanging_layer.prm, bolts/materials/weak_layer.prm
weight = gamma * t * width * spacing                 # per row of bolts [N]
CONTACT = ["Materials/Library directories=materials, ../contacts/materials",
           "Stratigraphy/Layers above floor=weak layer: 0.51, stiff rock: 1.5",
           "Stratigraphy/Contacts=0.51: open contact", "Nonlinear solver/Load steps=2"]
RUNS = {
    "2D": (1, []),
    "3D": (2, ["Dimension=3", "Geometry/Layered block/Cell size=0.25",
               "Boundary conditions/Conditions=x_min: roller, x_max: roller, y_min: roller, "
               "y_max: roller, top: fixed"]),
}


def main():
    c = Checks("Suspension: a bed hanging on bolts across an open contact")
    for label, (ranks, sets) in RUNS.items():
        out = scratch("suspension_" + label)
        run_roofspan(CASE, out, ranks=ranks, sets=CONTACT + sets)
        s = load_summary(out)
        bolts = s["bolts"]["list"]
        total = sum(b["peak_axial_force"] * b.get("weight", 1.0) for b in bolts)
        c.relative(f"{label}: bolt forces per row = the bed's weight [N]", total, weight, 0.01)
        contact = s["contacts"][0]
        c.condition(f"{label}: the whole contact open", contact["open_points"] == contact["points"],
                    f"{contact['open_points']} of {contact['points']} points; largest opening "
                    f"{1e3 * contact['max_opening']['value']:.3f} mm")
        c.condition(f"{label}: each bolt's peak force in the contact layer",
                    all(0.5 - 1e-9 <= b["peak_at"] <= 0.51 + 1e-9 for b in bolts),
                    ", ".join(f"{b['peak_at']:.4f}" for b in bolts) + " m")
    c.finish()


main()
