#!/usr/bin/env python3
"""Prints the key results of a run's summary.json for a person to read:
roof sag, the most tensile stress in each roof layer, solver figures."""
import json
import sys


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: summary_report.py <output-dir>/summary.json")
    with open(sys.argv[1]) as f:
        s = json.load(f)
    print(f"\ncase {s['case']}: {s['model']}, {s['dim']}D, Q{s['degree']}, {s['dofs']} DoFs, {s['ranks']} ranks")
    sol = s["solver"]
    print(f"solver: CG + {sol['preconditioner']}, {sol['iterations']} iterations, "
          f"true relative residual {sol['relative_residual']:.2e}; total {s['times']['total']:.2f} s")
    if "roof" in s:
        r = s["roof"]
        print(f"roof sag caused by excavation: mid-span {1000 * r['sag_mid_span']:.2f} mm, "
              f"maximum {1000 * r['sag_max']:.2f} mm at {r['sag_max_location']}")
    for layer in s.get("roof_layers", []):
        print(f"  {layer['region']:28s} most tensile principal stress {layer['max_principal_stress'] / 1e6:8.3f} MPa "
              f"at {[round(x, 3) for x in layer['location']]}")
    print(f"max |displacement| {1000 * s['displacement']['max_magnitude']:.2f} mm")


main()
