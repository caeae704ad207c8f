"""Uniform uniaxial stress in plane strain: the 'traction' and 'roller'
boundary conditions against the exact solution (errors printed)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, probe, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
p, H, W, E, nu = 2e6, 2.0, 4.0, 10e9, 0.25   # uniaxial_block.prm, elastic_rock.prm

ranks = int(sys.argv[1]) if len(sys.argv) > 1 else 1
out = scratch(f"uniaxial_{ranks}ranks")
run_roofspan(os.path.join(HERE, "uniaxial_block.prm"), out, ranks=ranks)
s = load_summary(out)
c = Checks(f"Uniaxial block, traction + rollers, {ranks} rank(s)")
centre, corner = probe(s, "centre"), probe(s, "top_right")
c.relative("sigma_yy at the centre [Pa]", centre["stress"]["yy"], -p, 1e-6)
c.relative("sigma_zz at the centre [Pa]", centre["stress"]["zz"], -nu * p, 1e-6)
c.condition("sigma_xx at the centre ~ 0", abs(centre["stress"]["xx"]) < 1e-6 * p, f"{centre['stress']['xx']:.3g} Pa")
c.relative("top settlement [m]", corner["displacement"][1], -p * H * (1 - nu ** 2) / E, 1e-6)
c.relative("lateral expansion at the free side [m]", corner["displacement"][0],
           p * W * nu * (1 + nu) / E, 1e-6)
c.finish()
