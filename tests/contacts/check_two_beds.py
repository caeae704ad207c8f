"""Two equal beds clamped at both ends under their own weight, against beam
theory with the shear (Timoshenko) term, as the clamped-beam verification:
on a frictionless contact that carries no tension each 0.5 m bed bends on
its own (mid-span deflection within 2 %); bonded (no contact) the stack is
one beam of 1.01 m (the bed, the contact's 1 cm layer and the bed). In
bending alone the first is about 4 times the second."""
import os
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
    print(f"  (in bending alone the separate beds deflect {single_bending / stack_bending:.2f} times "
          f"the bonded stack; FE with shear {probe(s, 'lower_axis')['displacement'][1] / probe(b, 'lower_axis')['displacement'][1]:.2f})")
    c.finish()


main()
