"""The factor of safety by strength reduction is the same on 1, 2 and 3
ranks: the same trials fail and succeed (so the same bracket), and the
converged trials' largest displacements agree to 1e-6."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    c = Checks("Factor of safety on 1, 2 and 3 ranks (clamped Mohr-Coulomb roof layer)")
    base = None
    for ranks in (1, 2, 3):
        out = scratch(f"ssr_ranks_{ranks}")
        run_roofspan(os.path.join(HERE, "roof_beam_ssr.prm"), out, ranks=ranks)
        fos = load_summary(out)["factor_of_safety"]
        print(f"  {ranks} rank(s): F = {fos['value']:.5f}, bracket {fos['bracket']}, "
              f"{len(fos['trials'])} trials")
        if base is None:
            base = fos
            continue
        same = [(a["factor"], a["converged"]) for a in fos["trials"]] == \
               [(b["factor"], b["converged"]) for b in base["trials"]]
        c.condition(f"{ranks} ranks: same trials and outcomes", same)
        c.condition(f"{ranks} ranks: same factor of safety", fos["value"] == base["value"],
                    f"{fos['value']} vs {base['value']}")
        worst = max((abs(a["max_displacement"] - b["max_displacement"]) / b["max_displacement"]
                     for a, b in zip(fos["trials"], base["trials"]) if a["converged"] and b["converged"]),
                    default=0.0)
        c.condition(f"{ranks} ranks: converged trials' displacements", worst < 1e-6, f"max rel diff {worst:.1e}")
    c.finish()


main()
