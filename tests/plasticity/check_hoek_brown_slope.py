"""Factor of safety of a Hoek-Brown slope by strength reduction (sigma_ci / F,
m_b, s and a unchanged) against Li, Merifield & Lyamin (2008), "Stability
charts for rock slopes based on the Hoek-Brown failure criterion", IJRMMS
45:689-700: a 45-degree slope, GSI 70, m_i 15, D 0, has the critical
stability number sigma_ci / (gamma H) = 0.176 (their Table 1; limit
analysis, associated flow; bounds about +-5 % apart). A slope with
sigma_ci = 0.176 gamma H has F = 1.

The slope: meshes/slope_45.geo (H = 10 m, rough rigid base at the toe, crest
2.2 H wide), structured Q2 meshes of 10 and 20 cells over the height,
gamma = 23 kN/m3, E = 100 MPa, nu = 0.3 (materials/hoek_brown_slope_rock.prm).

Why sigma_ci = 1.3 x 0.176 gamma H (expected F = 1.3) and not 0.176 gamma H:
the continuation starts from the converged state at F = 1, and at 0.176 the
psi = 0 slope is at its limit there (its gravity analysis ends on a stalled
Newton, no factor). Dividing sigma_ci by F is multiplying gravity by F, so
F / 1.3 is the factor of the slope at 0.176, printed against 1.00.

The flow rule is a Mohr-Coulomb-type potential with a constant dilation
angle, never associated with the curved criterion, so the comparison with an
associated limit analysis is bracketed:
- psi = 20 deg, about this slope's equivalent friction angle (Hoek et al.
  2002: 19.8 deg): band [0.95, 1.08] (the bounds' gap and the constant psi);
- psi = 0: a non-associated material stands less: band [0.85, 1.00], and at
  most F(psi = 20) on each mesh.
Both on 10 and 20 cells; every path must end on the physics ("no
equilibrium" or "displacement jump"), not on a stalled Newton. The measured
factors, their dependence on the solver budget and on the scale 1.3 are in
doc/validation.md ("A Hoek-Brown slope"). About a minute."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch, slope_mesh  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT_FILE = os.path.join(HERE, "materials", "hoek_brown_slope_rock.prm")
UNIT = "hoek brown slope rock"
STABILITY_NUMBER = 0.176  # Li, Merifield & Lyamin (2008): sigma_ci / (gamma H) at collapse
GAMMA, HEIGHT = 23000.0, 10.0
SCALE = 1.3  # sigma_ci = SCALE x 0.176 gamma H: the expected factor of safety
BANDS = {20: (0.95, 1.08), 0: (0.85, 1.00)}  # F / SCALE, by dilation angle
PHYSICAL = ("no equilibrium", "displacement jump")


def unit_value(text, key):
    return float(re.search(rf"set {re.escape(key)}\s*=\s*([-+0-9.eE]+)", text).group(1))


def library_with_dilation(psi):
    """The unit with dilation angle `psi`, in a library folder of its own."""
    with open(UNIT_FILE) as f:
        text = f.read()
    text, n = re.subn(r"(set Dilation angle\s*=\s*)\S+", rf"\g<1>{psi}", text)
    assert n == 1, "the unit file has no dilation angle to set"
    library = scratch(f"hoek_brown_slope_psi{psi}_materials")
    with open(os.path.join(library, "hoek_brown_slope_rock.prm"), "w") as f:
        f.write(text)
    return library


def main():
    with open(UNIT_FILE) as f:
        unit = f.read()
    sigma_ci, gamma = unit_value(unit, "Intact compressive strength"), unit_value(unit, "Unit weight")
    # The build makes meshes/slope_45.geo's 20-cell mesh (build/meshes/slope_45.msh).
    built = sys.argv[1] if len(sys.argv) > 1 else slope_mesh(20, "slope_45")
    meshes = [("10 cells", slope_mesh(10, "slope_45")), ("20 cells", built)]
    c = Checks("Strength reduction of a Hoek-Brown slope: Li, Merifield & Lyamin (2008), 45 deg, GSI 70, mi 15")
    c.condition(f"unit: sigma_ci / (gamma H) = {SCALE} x {STABILITY_NUMBER}",
                abs(sigma_ci / (gamma * HEIGHT) - SCALE * STABILITY_NUMBER) < 1e-9 and gamma == GAMMA,
                f"{sigma_ci / (gamma * HEIGHT):.4f}")
    print(f"  sigma_ci = {sigma_ci:.0f} Pa = {SCALE} x {STABILITY_NUMBER} gamma H: expected F = {SCALE}; "
          f"F / {SCALE} is the factor at sigma_ci = {STABILITY_NUMBER} gamma H (reference 1.00)")
    results = {}
    for psi in (20, 0):
        library = library_with_dilation(psi)
        for name, mesh in meshes:
            out = scratch(f"hoek_brown_slope_psi{psi}_{os.path.basename(mesh)}")
            start = time.time()
            run_roofspan(os.path.join(HERE, "hoek_brown_slope.prm"), out,
                         sets=[f"Geometry/Gmsh/Mesh file={mesh}", f"Geometry/Gmsh/Materials=slope soil: {UNIT}",
                               f"Materials/Library directories={library}"])
            seconds = time.time() - start
            s = load_summary(out)
            fos = s["factor_of_safety"]
            F, (lo, hi) = fos["value"] / SCALE, (b / SCALE for b in fos["bracket"])
            results[psi, name] = (F, lo, hi, fos)
            print(f"  psi = {psi:2d}, {name} ({s['cells']} cells, {s['dofs']} DoFs): F = {fos['value']:.4f}, "
                  f"F / {SCALE} = {F:.4f} [{lo:.4f}, {hi:.4f}] against 1.00: {100 * (F - 1):+.2f} %; "
                  f"{fos['failure_criterion']}, {len(fos['trials'])} trials, {seconds:.0f} s")
    for (psi, name), (F, lo, hi, fos) in results.items():
        c.condition(f"psi = {psi}, {name}: the path ends on the physics",
                    fos["failure_criterion"] in PHYSICAL, fos["failure_criterion"])
        c.condition(f"psi = {psi}, {name}: bracket within the 2 % tolerance",
                    hi - lo <= 0.02 * lo + 1e-12, f"[{lo:.4f}, {hi:.4f}]")
        low, high = BANDS[psi]
        c.condition(f"psi = {psi}, {name}: F / {SCALE} in [{low:.2f}, {high:.2f}]", low <= F <= high,
                    f"{F:.4f} vs 1.00 ({100 * (F - 1):+.2f} %)")
    for name, _ in meshes:
        zero, twenty = results[0, name], results[20, name]
        c.condition(f"{name}: F(psi = 0) at most F(psi = 20) (within its bracket)", zero[0] <= twenty[2] + 1e-12,
                    f"{zero[0]:.4f} vs {twenty[0]:.4f}")
    c.finish()


main()
