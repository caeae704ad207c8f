"""Two equal beds clamped at both ends under their own weight, against beam
theory with the shear (Timoshenko) term, as the clamped-beam verification:
on a frictionless contact that carries no tension each 0.5 m bed bends on
its own (mid-span deflection within 2 %); bonded (no contact) the stack is
one beam of 1.01 m (the bed, the contact's 1 cm layer and the bed). In
bending alone the first is about 4 times the second.
The frictionless case again on a Gmsh mesh (two_beds.geo: the contact a
physical surface one cell thick) must give the built-in block's answer (the
same cells: to solver tolerance, 1e-6 of the deflection), and a Gmsh contact
layer of another thickness than the unit's is an input error (exit 2)."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, probe, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
L, gamma, E, nu = 10.0, 24000.0, 5e9, 0.25   # two_beds.prm, materials/beam_rock.prm
kappa = 5.0 / 6.0


def clamped_beam(t):
    """Mid-span deflection of a clamped plane-strain beam of thickness t under
    its own weight: bending, and bending plus shear."""
    q = gamma * t
    bending = q * L ** 4 / (384 * E / (1 - nu ** 2) * t ** 3 / 12)
    return bending, bending + q * L ** 2 / (8 * kappa * E / (2 * (1 + nu)) * t)


def gmsh_mesh(contact):
    out = os.path.join(scratch("two_beds_meshes"), f"two_beds_{contact:g}.msh")
    subprocess.run([shutil.which("gmsh") or "gmsh", "-2", "-format", "msh2", "-setnumber", "contact", str(contact),
                    os.path.join(HERE, "two_beds.geo"), "-o", out], check=True, capture_output=True)
    return out


def gmsh_run(c):
    """The frictionless beds on the Gmsh mesh; then the same mesh with a 2 cm
    contact layer, refused."""
    case = os.path.join(HERE, "two_beds_gmsh.prm")
    out = scratch("two_beds_gmsh")
    run_roofspan(case, out, sets=[f"Geometry/Gmsh/Mesh file={gmsh_mesh(0.01)}"])
    code, _, stderr = run_roofspan(case, scratch("two_beds_gmsh_thick"), check=False,
                                   sets=[f"Geometry/Gmsh/Mesh file={gmsh_mesh(0.02)}"])
    first = (stderr.strip().splitlines() or [""])[0]
    print(f"  2 cm Gmsh contact layer: exit {code}: {first[:200]}")
    c.condition("Gmsh contact layer 2 cm thick for a 1 cm contact: exit 2, named",
                code == 2 and "frictionless contact" in stderr and "one cell thick" in stderr, f"exit {code}")
    return load_summary(out)


def main():
    case = os.path.join(HERE, "two_beds.prm")
    c = Checks("Two equal beds, clamped: frictionless contact and bonded, vs beam theory")
    runs = {}
    for label, sets in (("frictionless", []), ("bonded", ["Stratigraphy/Contacts="])):
        out = scratch("two_beds_" + label)
        run_roofspan(case, out, sets=sets)
        runs[label] = load_summary(out)
    s = runs["frictionless"]
    single_bending, single = clamped_beam(0.5)
    for name in ("lower_axis", "upper_axis"):
        c.relative(f"frictionless: {name} mid-span deflection [m]",
                   -probe(s, name)["displacement"][1], single, 0.02)
    contact = s["contacts"][0]
    print(f"  (frictionless: largest slip {1e3 * contact['max_slip']['value']:.3f} mm at x = "
          f"{contact['max_slip']['at'][0]:.2f} m; {contact['slipping_points']} of "
          f"{contact['points']} contact points slipping, {contact['open_points']} open)")
    c.condition("frictionless: the beds slide on the contact",
                contact["max_slip"]["value"] > 1e-4, f"{contact['max_slip']['value']:.3g} m")
    stack_bending, stack = clamped_beam(1.01)
    b = runs["bonded"]
    c.relative("bonded: mid-span deflection of the 1.01 m stack [m]",
               -probe(b, "lower_axis")["displacement"][1], stack, 0.02)
    c.condition("bonded: no contact in the summary", "contacts" not in b)
    g = gmsh_run(c)
    for name in ("lower_axis", "upper_axis"):
        c.relative(f"Gmsh contact layer: {name} deflection vs the built-in block's [m]",
                   probe(g, name)["displacement"][1], probe(s, name)["displacement"][1], 1e-6)
    print(f"  (in bending alone the separate beds deflect {single_bending / stack_bending:.2f} times "
          f"the bonded stack; FE with shear {probe(s, 'lower_axis')['displacement'][1] / probe(b, 'lower_axis')['displacement'][1]:.2f})")
    c.finish()


main()
