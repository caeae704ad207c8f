"""Obert & Duvall's soft heavy bed under a stiff bed, clamped at both ends
under their own weight (soft_bed_under_stiff.prm).

- On a contact with no tensile strength the soft bed sags away from the
  stiff one: the separation at mid-span (probes either side of the
  contact, and the summary's largest opening) equals the difference of the
  two beds' own clamped-beam deflections (Timoshenko, as the clamped-beam
  verification) within 3 %; a dual-height telltale from the base, its
  anchors in the soft bed and in the stiff one, reads it above its first
  anchor (3 %) and next to nothing below it.
- On a strong, stiff contact the beds stay together and bend as one
  composite beam (transformed section, plane strain; shear term with the
  beds' summed G t): the deflection at the composite's neutral axis within
  3 %, on a 9 m span where the shear term is small (8 %)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, probe, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NU, KAPPA = 0.3, 5.0 / 6.0
SOFT = dict(E=0.3e9, gamma=20000.0, t=0.3, axis=0.15)    # materials/soft_heavy_bed.prm
STIFF = dict(E=1.5e9, gamma=23500.0, t=0.6, axis=0.61)   # materials/stiff_bed.prm, above the 1 cm contact


def own_deflection(bed, L):
    q, E, t = bed["gamma"] * bed["t"], bed["E"], bed["t"]
    return (q * L ** 4 / (384 * E / (1 - NU ** 2) * t ** 3 / 12)
            + q * L ** 2 / (8 * KAPPA * E / (2 * (1 + NU)) * t))


def composite(L):
    """Mid-span deflection and neutral axis of the two beds bonded."""
    beds = (SOFT, STIFF)
    stiff = [b["E"] / (1 - NU ** 2) * b["t"] for b in beds]
    axis = sum(k * b["axis"] for k, b in zip(stiff, beds)) / sum(stiff)
    EI = sum(b["E"] / (1 - NU ** 2) * (b["t"] ** 3 / 12 + b["t"] * (b["axis"] - axis) ** 2) for b in beds)
    q = sum(b["gamma"] * b["t"] for b in beds)
    GA = sum(b["E"] / (2 * (1 + NU)) * b["t"] for b in beds)
    return q * L ** 4 / (384 * EI) + q * L ** 2 / (8 * KAPPA * GA), axis


def main():
    case = os.path.join(HERE, "soft_bed_under_stiff.prm")
    c = Checks("Soft heavy bed under a stiff bed (Obert & Duvall): separation and composite action")

    out = scratch("soft_bed_open")
    # A dual-height telltale at mid-span from the base: its first anchor in
    # the soft bed, its second in the stiff bed.
    run_roofspan(case, out, sets=["Telltales/Points=centre: 3", "Telltales/Anchor heights=0.2, 0.5"])
    s = load_summary(out)
    L = 6.0
    expected = own_deflection(SOFT, L) - own_deflection(STIFF, L)
    separation = probe(s, "stiff_bottom")["displacement"][1] - probe(s, "soft_top")["displacement"][1]
    print(f"  (own deflections: soft bed {1e3 * own_deflection(SOFT, L):.3f} mm, "
          f"stiff bed {1e3 * own_deflection(STIFF, L):.3f} mm)")
    c.relative("no tensile strength: separation at mid-span [m]", separation, expected, 0.03)
    contact = s["contacts"][0]
    c.relative("no tensile strength: the summary's largest opening [m]",
               contact["max_opening"]["value"], expected, 0.03)
    c.condition("the largest opening is at mid-span", abs(contact["max_opening"]["at"][0] - L / 2) < 0.1,
                f"x = {contact['max_opening']['at'][0]:.3f} m")
    c.condition("most of the contact is open", contact["open_points"] > 0.9 * contact["points"],
                f"{contact['open_points']} of {contact['points']} points")
    telltale = s["telltales"][0]
    c.relative("telltale above the soft bed (0.2 to 0.5 m): the separation [m]",
               telltale["above_bolted_height"], expected, 0.03)
    c.condition("telltale within the soft bed (0 to 0.2 m): below 1 % of the separation",
                abs(telltale["within_bolted_height"]) < 0.01 * expected,
                f"{1e3 * telltale['within_bolted_height']:.4f} mm")

    L = 9.0
    deflection, axis = composite(L)
    out = scratch("soft_bed_bonded")
    run_roofspan(case, out, sets=["Stratigraphy/Contacts=0.31: strong contact",
                                  "Geometry/Layered block/Width=9",
                                  f"Output/Probe points=neutral: 4.5 {axis}, soft_top: 4.5 0.3, "
                                  "stiff_bottom: 4.5 0.31"])
    s = load_summary(out)
    c.relative("strong contact: composite beam's mid-span deflection [m]",
               -probe(s, "neutral")["displacement"][1], deflection, 0.03)
    gap = probe(s, "stiff_bottom")["displacement"][1] - probe(s, "soft_top")["displacement"][1]
    c.condition("strong contact: the beds stay together (gap below 1e-3 of the deflection)",
                abs(gap) < 1e-3 * deflection, f"{gap:.3g} m")
    strong = s["contacts"][0]
    # The clamped corners concentrate the shear: the points next to them slip.
    c.condition("strong contact: no point open, at most 1 % slipping (at the clamps)",
                strong["open_points"] == 0 and strong["slipping_points"] <= 0.01 * strong["points"],
                f"{strong['open_points']} open, {strong['slipping_points']} slipping, largest slip at "
                f"x = {strong['max_slip']['at'][0]:.2f} m")
    c.finish()


main()
