"""The assembled tangent against central differences of the assembled
residual (roofspan --check-jacobian), on 2 MPI ranks, after every Newton
correction of a run, per branch of the return mappings and bolt laws: the
relative difference over the unknowns of the cells (bolt elements) that have
a point on the branch, the best of six step sizes, cells whose points change
branch between the perturbed states left out (a kink, not the tangent).

Cases, so that every branch is met at least once:
  - the default room (2D, bolted): Mohr-Coulomb faces, edges, tension cut-off
    and its corners; bond elastic and slipping; steel elastic;
  - the same room with a bedded clay (ubiquitous joint), at 60 m: bedding
    slip, and slip with the rock yielding;
  - a bedded sandstone parting (Q1, one cell thick) pulled open: bedding
    opening; pulled open and sheared: its tension corner;
  - a bolt across an opening joint with a strong bond (2D): steel yielding;
  - a coarse 3D intersection, plastic and bolted;
  - the same at Q2 with tilted 2.4 m rib bolts, one of which passes a cell
    edge closely (the shortest bolt piece);
  - bedding contacts: a soft bed separating from a stiff one: contact
    slip, opening, open and slipping. (The default room with the
    clay-coated contact, once: 310 corrections, every branch <= 1.2e-8;
    55 s, not in the suite.)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 1e-6
NO_FOS = "Strength reduction/Compute factor of safety=false"
ROOM = os.path.join(ROOT, "cases", "room_4.5m.prm")

CASES = {
    # The room glued: the contact branches have their own case below.
    "room_2d": (ROOM, GLUED_ROOM + [NO_FOS]),
    "bedded_room_2d": (ROOM, GLUED_ROOM + [NO_FOS,
                              "Materials/Library directories=../materials, ../tests/nonlinear/materials",
                              "Stratigraphy/Layers above floor=ore manto: 2.5, bedded clay: 0.6, breccia: 1.5, "
                              "sandstone: 3, breccia: 4, sandstone: 8",
                              "Bolts/Installation relaxation=0.5", "Stratigraphy/Depth of floor=60"]),
    "yielding_joint_2d": (os.path.join(ROOT, "tests", "bolts", "joint.prm"),
                          ["Materials/Library directories=materials, ../nonlinear/materials",
                           "Bolts/Product=strong bond bolt",
                           "Boundary conditions/Displacement function/Function expression=0; -4e-3",
                           "Linear solver/Preconditioner=direct"]),
    "bedded_parting_2d": (os.path.join(ROOT, "tests", "bolts", "joint.prm"),
                          ["Materials/Library directories=materials, ../nonlinear/materials",
                           "Stratigraphy/Layers above floor=rigid rock: 1.0, bedded sandstone: 0.05, rigid rock: 1.45",
                           "Boundary conditions/Displacement function/Function expression=1e-6*x; -2e-6",
                           "Discretization/Polynomial degree=1",
                           "Linear solver/Preconditioner=direct"]),
    "opening_parting_2d": (os.path.join(ROOT, "tests", "bolts", "joint.prm"),
                          ["Materials/Library directories=materials, ../nonlinear/materials",
                           "Stratigraphy/Layers above floor=rigid rock: 1.0, bedded sandstone: 0.05, rigid rock: 1.45",
                           "Boundary conditions/Displacement function/Function expression=0; -2e-6",
                           "Discretization/Polynomial degree=1",
                           "Linear solver/Preconditioner=direct"]),
    "intersection_3d": (os.path.join(ROOT, "cases", "intersection_4.5m.prm"),
                        ["Materials/Elastic rock=false", "Discretization/Polynomial degree=1",
                         "Geometry/Room and pillar/Cell size at opening=0.6",
                         "Geometry/Room and pillar/Maximum cell size=4",
                         "Bolts/Product=resin rebar 19mm", "Bolts/Length=1.8", "Bolts/Bolts per row=2",
                         "Bolts/Row spacing=2", "Bolts/Installation relaxation=0.3",
                         "Linear solver/Preconditioner=direct", "Nonlinear solver/Load steps=2"]),
    # Q2, 2.4 m bolts tilted 15 degrees at the ribs: a bolt passes a cell
    # edge closely. Before bolt pieces shorter than 1 % of the bolt were
    # merged into their neighbour, its sliver element's EA / h put 1e16 into
    # the tangent (1e7 x the rest), and the bolt rows differed from the
    # central differences by 93 % (round-off on that stiffness).
    "intersection_3d_sliver": (os.path.join(ROOT, "cases", "intersection_4.5m.prm"),
                               ["Materials/Elastic rock=false",
                                "Geometry/Room and pillar/Cell size at opening=1",
                                "Geometry/Room and pillar/Maximum cell size=4",
                                "Bolts/Product=resin rebar 19mm", "Bolts/Length=2.4", "Bolts/Bolts per row=2",
                                "Bolts/Row spacing=2", "Bolts/Rib bolt inclination=15",
                                "Bolts/Installation relaxation=0.3",
                                "Linear solver/Preconditioner=direct", "Nonlinear solver/Load steps=2"]),
}

# Bedding contacts (thin Coulomb layers): the soft bed under a stiff one on
# a contact without tensile
# strength (the clay-coated bedding: 10 kPa of cohesion) opens along the
# span, slipping where it opens near the clamps and not at mid-span.
CASES["contact_soft_bed_2d"] = (os.path.join(ROOT, "tests", "contacts", "soft_bed_under_stiff.prm"),
                                ["Nonlinear solver/Load steps=2",
                                 "Materials/Library directories=materials, ../../materials",
                                 "Stratigraphy/Contacts=0.31: clay-coated bedding"])

REQUIRED = ["contact slip", "contact opening", "contact open and slipping",
            "Mohr-Coulomb shear face", "Mohr-Coulomb shear edge", "tension cut-off face",
            "tension cut-off edge/apex", "shear + tension corner", "bedding plane slip",
            "bedding plane tension", "bedding plane tension corner", "bedding plane and rock yielding",
            "bond elastic", "bond slipping", "steel elastic", "steel yielding"]


def main():
    only = sys.argv[1:]
    c = Checks("Assembled tangent vs central difference of the assembled residual (2 ranks)")
    seen = {}
    for name, (case, sets) in CASES.items():
        if only and name not in only:
            continue
        out = scratch(f"jacobian_{name}")
        run_roofspan(case, out, ranks=2, sets=sets, extra=["--check-jacobian"])
        check = load_summary(out)["jacobian_check"]
        c.condition(f"{name}: Newton corrections checked", check["checks"] > 0, f"{check['checks']}")
        for branch, entry in sorted(check["branches"].items()):
            label = f"{name}: {branch} ({entry['count']})"
            c.condition(label[:44], entry["relative_difference"] <= LIMIT,
                        f"{entry['relative_difference']:.2e} <= {LIMIT:g}")
            seen[branch] = seen.get(branch, 0) + entry["count"]
    if not only:
        for branch in REQUIRED:
            c.condition(f"branch met: {branch}"[:44], seen.get(branch, 0) > 0, f"{seen.get(branch, 0)}")
    c.finish()


main()
