"""Design-case regression: run a case and compare its summary.json with the
blessed one under the tolerances of harness.tolerance_for (numdiff style:
|a - b| <= abs + rel |b|, timers, memory, paths and iteration counts
ignored). Re-bless after an intended change with
    ROOFSPAN_BLESS=1 ctest -R regression
and commit the new tests/regression/<case>/summary.json with the reason."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import compare, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    case_name, ranks = sys.argv[1], int(sys.argv[2])
    sets = sys.argv[3:]
    # --name NAME: a variant of the case (its --set overrides follow), blessed
    # under tests/regression/NAME.
    name = case_name
    if sets[:1] == ["--name"]:
        name, sets = sets[1], sets[2:]
    case = os.path.join(ROOT, "cases", case_name + ".prm")
    blessed_dir = os.path.join(ROOT, "tests", "regression", name)
    blessed = os.path.join(blessed_dir, "summary.json")
    out = scratch(f"regression_{name}_{ranks}ranks")
    run_roofspan(case, out, ranks=ranks, sets=sets)
    result = load_summary(out)
    print(f"{name}: {result['dofs']} DoFs on {ranks} ranks, {result['solver']['iterations']} CG iterations, "
          f"times {json.dumps(result['times'])}")

    if os.environ.get("ROOFSPAN_BLESS"):
        os.makedirs(blessed_dir, exist_ok=True)
        shutil.copy(os.path.join(out, "summary.json"), blessed)
        print(f"BLESSED {blessed}")
        return
    if not os.path.exists(blessed):
        raise SystemExit(f"FAILED: no blessed summary {blessed}; run with ROOFSPAN_BLESS=1 once")
    with open(blessed) as f:
        problems = compare(result, json.load(f))
    for p in problems:
        print("  differs: " + p)
    if problems:
        raise SystemExit(f"FAILED: {name} differs from its blessed summary in {len(problems)} value(s)")
    print(f"PASSED {name} matches {os.path.relpath(blessed, ROOT)}")


main()
