#!/usr/bin/python3
"""Prints the key results of a run's summary.json for a person to read:
roof sag, the most tensile stress in each roof layer, the bolts, the factor
of safety, solver figures."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_errors  # noqa: E402


class ReportInputError(Exception):
    """Not a roofspan summary.json."""


def main(argv=None):
    parser = cli_errors.OneLineArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("summary", metavar="SUMMARY_JSON", help="a run's summary.json (or its output directory)")
    path = parser.parse_args(argv).summary
    if os.path.isdir(path):
        path = os.path.join(path, "summary.json")
    with open(path) as f:
        s = json.load(f)
    if not isinstance(s, dict) or not str(s.get("schema", "")).startswith("roofspan-summary/"):
        raise ReportInputError(f"{path}: not a roofspan summary.json (no 'schema: roofspan-summary/...')")
    print(f"\ncase {s['case']}: {s['model']}, {s['dim']}D, Q{s['degree']}, {s['dofs']} DoFs, {s['ranks']} ranks")
    sol = s["solver"]
    print(f"solver: {sol['method']} + {sol['preconditioner']}, {sol['iterations']} iterations, "
          f"true relative residual {sol['relative_residual']:.2e}; total {s['times']['total']:.2f} s")
    if "roof" in s:
        r = s["roof"]
        print(f"roof sag caused by excavation: mid-span {1000 * r['sag_mid_span']:.2f} mm, "
              f"maximum {1000 * r['sag_max']:.2f} mm at {r['sag_max_location']}")
    for layer in s.get("roof_layers", []):
        print(f"  {layer['region']:28s} most tensile principal stress {layer['max_principal_stress'] / 1e6:8.3f} MPa "
              f"at {[round(x, 3) for x in layer['location']]}")
    print(f"max |displacement| {1000 * s['displacement']['max_magnitude']:.2f} mm")
    for stage in s.get("stages", []):
        sag = f", roof sag {1000 * stage['roof_sag_mid_span']:.2f} mm" if "roof_sag_mid_span" in stage else ""
        newton = sum(st["newton_iterations"] for st in stage["steps"])
        print(f"  stage {stage['name']:28s} load {stage['load_factor_from']:.2f} -> {stage['load_factor_to']:.2f}, "
              f"{len(stage['steps'])} steps, {newton} Newton iterations{sag}")
    b = s.get("bolts")
    if b:
        print(f"bolts: {b['pattern']} ({b['type']}), installed after {100 * b['installation_relaxation']:.0f} % relaxation")
        print(f"  max axial force {b['max_axial_force'] / 1e3:.1f} kN per bolt, max utilisation {b['max_utilisation']:.2f} "
              f"(yield {b['yield_force'] / 1e3:.1f} kN); yielded {b['yielded']}, pulled out {b['pulled_out']}, "
              f"ruptured {b['ruptured']}")
        for bolt in b["list"]:
            print(f"  bolt {bolt['bolt']} at offset {bolt['offset']:+.2f} m: peak {bolt['peak_axial_force'] / 1e3:7.1f} kN "
                  f"at {bolt['peak_at']:.2f} m along it, utilisation {bolt['utilisation']:.2f}")
    for key, label in (("factor_of_safety", "factor of safety"), ("factor_of_safety_unbolted", "unbolted")):
        f = s.get(key)
        if f:
            print(f"{label}: {f['value']:.3f} (bracket {f['bracket'][0]:.3f} - {f['bracket'][1]:.3f}, "
                  f"failure by {f['failure_criterion']})")

    return 0


if __name__ == "__main__":
    sys.exit(cli_errors.run(main, "summary_report.py", (ReportInputError, KeyError)))
