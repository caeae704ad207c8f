#!/usr/bin/python3
"""Design sweep over spans and geologies: one design search (postprocess/design.py)
per (span, geology), then a merge into a design table and charts.

A sweep file (TOML) names a base design file (candidates, requirement,
production inputs), the spans and the geologies (each a 'Layers above floor'
stratigraphy of the case). Every (span, geology) pair is one task; tasks are
independent, so they run one after another on one machine or as a Slurm job
array on a cluster (one task per array element, see postprocess/slurm/).

    sweep.py SWEEP.toml list                        the tasks, numbered from 0
    sweep.py SWEEP.toml run-task I [--out DIR]      one task (Slurm: I = $SLURM_ARRAY_TASK_ID)
    sweep.py SWEEP.toml run [--out DIR]             every task here, then merge
    sweep.py SWEEP.toml merge [--out DIR]           DIR/design_table.csv|.md and charts

Options: --ranks N (MPI ranks per roofspan run), --no-factor-of-safety.
A task writes DIR/tasks/<I>_<name>/design.json; merge reads whatever tasks
are present and lists the missing ones (when none has finished it writes
nothing). Exit codes: 0, 2 bad input (also a task's design.json that is not
a design search result, named), 3 merge found missing tasks, 4 a run ended
for a reason that is not a verdict on the roof (see design.py).
"""
import csv
import io
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cli_errors  # noqa: E402
import design as design_search  # noqa: E402
import launcher  # noqa: E402
import output_files  # noqa: E402
import production  # noqa: E402

ROOT = launcher.ROOT
DesignInputError = design_search.DesignInputError


def load_sweep(path):
    data = design_search.read_toml(path, "sweep")
    known = {"title", "design", "spans", "geologies"}
    for key in data:
        if key not in known:
            design_search.fail_input(path, key, f"unknown entry; expected one of {', '.join(sorted(known))}")
    if "design" not in data:
        design_search.fail_input(path, "design", "missing: the design file whose candidates are swept")
    if not isinstance(data["design"], str) or not data["design"].strip():
        design_search.fail_input(path, "design", f"{data['design']!r}: expected the path of a design TOML file")
    base = design_search.load_design(os.path.join(os.path.dirname(os.path.abspath(path)), data["design"]))
    spans = data.get("spans")
    lo, hi = production.accepted_range("span_m")
    if not isinstance(spans, list) or not spans or not all(
            isinstance(s, (int, float)) and not isinstance(s, bool) and lo <= s <= hi for s in spans):
        design_search.fail_input(path, "spans", f"{spans!r}: expected a non-empty list of spans from {lo:g} "
                                 f"to {hi:g} m")
    if not isinstance(data.get("title", ""), str):
        design_search.fail_input(path, "title", f"{data['title']!r}: expected a string")
    geologies = data.get("geologies")
    if not isinstance(geologies, dict) or not geologies or not all(
            isinstance(v, str) and v.strip() for v in geologies.values()):
        design_search.fail_input(path, "geologies",
                                 "expected a table name = \"unit: thickness, ...\" (layers above the floor)")
    tasks = []
    for name, layers in geologies.items():
        for span in spans:
            tasks.append({"index": len(tasks), "geology": name, "layers": layers, "span": float(span),
                          # One path component whatever the geology is called
                          # (no '/'; always ends in the span), capped in length.
                          "name": re.sub(r"[^A-Za-z0-9.]+", "-", f"{name}"[:60] + f"_{span:g}m").strip("-")})
    return {"path": os.path.abspath(path), "title": data.get("title", "design sweep"), "base": base,
            "tasks": tasks}


def task_design(sweep, task):
    """The base design with the task's span and geology set on the case."""
    d = dict(sweep["base"])
    d["sets"] = d["sets"] + [f"Geometry/Room and pillar/Room span={task['span']}",
                             f"Stratigraphy/Layers above floor={task['layers']}"]
    d["production"] = {**d["production"], "span_m": task["span"]}
    d["title"] = f"{task['geology']}, {task['span']:g} m span"
    return d


def task_dir(out, task):
    return os.path.join(out, "tasks", f"{task['index']:03d}_{task['name']}")


def check_task(sweep, index, out, ranks):
    """Before any work: the task exists, the solver can be started, its
    output folder can be written."""
    if not 0 <= index < len(sweep["tasks"]):
        raise DesignInputError(f"sweep input error: task {index} does not exist; "
                               f"{sweep['path']} has tasks 0 to {len(sweep['tasks']) - 1}")
    problem = design_search.output_problem(task_dir(out, sweep["tasks"][index]), figures=False) or \
        launcher.solver_problem(ranks or sweep["base"]["ranks"])
    if problem:
        raise DesignInputError(problem)


def run_task(sweep, index, out, ranks, factor_of_safety):
    check_task(sweep, index, out, ranks)
    task = sweep["tasks"][index]
    result = design_search.run_design(task_design(sweep, task), task_dir(out, task),
                                      ranks or sweep["base"]["ranks"], factor_of_safety=factor_of_safety,
                                      figures=False)
    design_search.print_answer(result)


TABLE_FIELDS = ["geology", "span_m", "status", "pattern", "bolts_per_row", "row_spacing_m", "bolt_length_m",
                "bolts_per_m", "bolting_min_per_m", "factor_of_safety", "factor_of_safety_unbolted",
                "max_bolt_utilisation", "roof_sag_mm", "runs", "bottleneck", "dry_t_per_year_per_unit",
                "units_for_2.6Mt", "units_for_3.1Mt", "max_min_per_bolt_2.6Mt"]


def table_row(task, result):
    row = {"geology": task["geology"], "span_m": task["span"], "runs": result["runs"]}
    c, prod = result["chosen"], result["production"]
    if c is None:
        return {**row, "status": "no feasible pattern"}
    fos, unb = result["factor_of_safety"], result["factor_of_safety_unbolted"]
    by_target = {t["target_dry_t_per_year"]: t for t in prod["targets"]}
    t26, t31 = by_target.get(2.6e6), by_target.get(3.1e6)
    return {**row, "status": "ok", "pattern": c["tag"], "bolts_per_row": c["bolts_per_row"],
            "row_spacing_m": c["row_spacing"], "bolt_length_m": c["length"], "bolts_per_m": round(c["bolts_per_m"], 4),
            "bolting_min_per_m": round(c["bolting_min_per_m"], 4),
            "factor_of_safety": fos["value"] if fos else "", "factor_of_safety_unbolted": unb["value"] if unb else "",
            "max_bolt_utilisation": round(c["max_bolt_utilisation"], 4), "roof_sag_mm": round(1e3 * c["roof_sag"], 2),
            "bottleneck": prod["bottleneck"], "dry_t_per_year_per_unit": round(prod["dry_t_per_year_per_unit"]),
            "units_for_2.6Mt": t26["units_needed"] if t26 else "", "units_for_3.1Mt": t31["units_needed"] if t31 else "",
            "max_min_per_bolt_2.6Mt": (round(t26["bolt_time_limit"]["max_time_per_bolt_min"], 3)
                                       if t26 and t26["bolt_time_limit"]["max_time_per_bolt_min"] else "")}


MERGE_OUTPUTS = ("design_table.csv", "design_table.md", "design_vs_span.png", "tonnes_vs_time_per_bolt.png")


def read_task_result(path, task):
    """A task's design.json as a row of the table; DesignInputError naming
    the file and what was expected if it is not a design search result
    (empty, truncated, binary, other JSON, keys missing)."""
    expected = "expected the design.json a design search (sweep.py run-task) writes"
    try:
        with open(path, "rb") as f:
            result = json.loads(f.read().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise DesignInputError(f"sweep input error: {path}: not UTF-8 text (byte {e.start}); {expected}") from None
    except json.JSONDecodeError as e:
        raise DesignInputError(f"sweep input error: {path}: not valid JSON ({e.msg}, line {e.lineno} column "
                               f"{e.colno}; truncated?); {expected}") from None
    except OSError as e:
        raise DesignInputError(f"sweep input error: cannot read {path}: {e.strerror}; {expected}") from None
    if not isinstance(result, dict):
        raise DesignInputError(f"sweep input error: {path}: a JSON {type(result).__name__}, not an object; "
                               f"{expected}")
    missing = [k for k in ("runs", "chosen", "production", "factor_of_safety", "factor_of_safety_unbolted")
               if k not in result]
    if missing:
        raise DesignInputError(f"sweep input error: {path}: no entry {', '.join(repr(k) for k in missing)}; "
                               f"{expected}")
    try:
        return table_row(task, result)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        what = f"no entry {e}" if isinstance(e, KeyError) else f"an entry of the wrong kind ({e})"
        raise DesignInputError(f"sweep input error: {path}: {what} in the chosen pattern or production; "
                               f"{expected}") from None


def merge(sweep, out):
    problem = output_files.not_regular_problem([os.path.join(out, n) for n in MERGE_OUTPUTS], "merge output")
    if problem:
        raise DesignInputError(problem)
    rows, missing = [], []
    for task in sweep["tasks"]:
        path = os.path.join(task_dir(out, task), "design.json")
        if not os.path.exists(path):
            missing.append(task)
            continue
        rows.append(read_task_result(path, task))
    if not rows:
        # Nothing to merge: no table, no charts, the missing tasks listed.
        print(f"merged 0 of {len(sweep['tasks'])} tasks: no task has finished in {out}/tasks; nothing written")
        for t in missing:
            print(f"  missing task {t['index']} ({t['name']}): run 'sweep.py {sweep['path']} run-task {t['index']}'")
        return 3
    problem = output_files.output_folder_problem(out, "merge output folder")
    if problem:
        raise DesignInputError(problem)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=TABLE_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    output_files.write_text(os.path.join(out, "design_table.csv"), buf.getvalue())
    md = [f"# {sweep['title']}", "", f"{len(rows)} of {len(sweep['tasks'])} tasks merged.", "",
          "| geology | span m | pattern | bolts/m | bolting min/m | FoS | FoS unbolted | bottleneck | dry t/yr/unit "
          "| units 2.6 / 3.1 Mt |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        md.append(f"| {r['geology']} | {r['span_m']:g} | {r.get('pattern', r['status'])} | {r.get('bolts_per_m', '')} "
                  f"| {r.get('bolting_min_per_m', '')} | {r.get('factor_of_safety', '')} | "
                  f"{r.get('factor_of_safety_unbolted', '')} | {r.get('bottleneck', '')} | "
                  f"{r.get('dry_t_per_year_per_unit', '')} | {r.get('units_for_2.6Mt', '')} / "
                  f"{r.get('units_for_3.1Mt', '')} |")
    if missing:
        md += ["", "Missing tasks: " + ", ".join(f"{t['index']} ({t['name']})" for t in missing)]
    md += ["", "![bolt density and factor of safety against span](design_vs_span.png)", "",
           "![tonnes per year against time per bolt](tonnes_vs_time_per_bolt.png)"]
    output_files.write_text(os.path.join(out, "design_table.md"), "\n".join(md) + "\n")
    charts(sweep, rows, out)
    print(f"merged {len(rows)} of {len(sweep['tasks'])} tasks into {out}/design_table.csv and .md")
    for t in missing:
        print(f"  missing task {t['index']} ({t['name']}): run 'sweep.py {sweep['path']} run-task {t['index']}'")
    return 3 if missing else 0


def charts(sweep, rows, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), dpi=100)
    for geology in dict.fromkeys(r["geology"] for r in rows):
        ok = sorted((r for r in rows if r["geology"] == geology and r["status"] == "ok"), key=lambda r: r["span_m"])
        ax1.plot([r["span_m"] for r in ok], [r["bolts_per_m"] for r in ok], "o-", label=geology)
        with_fos = [r for r in ok if r["factor_of_safety"] != ""]
        line, = ax2.plot([r["span_m"] for r in with_fos], [r["factor_of_safety"] for r in with_fos], "o-",
                         label=f"{geology}, bolted")
        unb = [r for r in with_fos if r["factor_of_safety_unbolted"] != ""]
        ax2.plot([r["span_m"] for r in unb], [r["factor_of_safety_unbolted"] for r in unb], "s--",
                 color=line.get_color(), label=f"{geology}, unbolted")
    req = sweep["base"]["requirement"]["min_factor_of_safety"]
    ax2.axhline(req, color="tab:red", ls=":", label=f"required {req:g}")
    ax1.set(xlabel="span [m]", ylabel="required bolts per metre of advance", title="Required bolt density")
    ax2.set(xlabel="span [m]", ylabel="factor of safety (strength reduction)", title="Factor of safety")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    design_search.save_figure(fig, os.path.join(out, "design_vs_span.png"))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    base_inputs = production.inputs_from_settings([f"{k}={v}" for k, v in sweep["base"]["production"].items()])
    times = [1 + 0.1 * i for i in range(81)]
    for r in (r for r in rows if r["status"] == "ok"):
        p = production.dataclasses.replace(
            base_inputs, span_m=r["span_m"], bolts_per_row=r["bolts_per_row"], row_spacing_m=r["row_spacing_m"],
            bolt_length_m=r["bolt_length_m"])
        tpy = [t / 1e3 for t in production.tonnes_against_time_per_bolt(p, times)]
        ax.plot(times, tpy, label=f"{r['geology']}, {r['span_m']:g} m: {r['pattern'].split('_resin')[0]}")
    ax.axvline(3.0, color="grey", ls="--", label="Boleo trial: about 3 min per bolt")
    ax.set(xlabel="time per installed bolt [min]", ylabel="dry kt per year per unit",
           title="Production per unit against time per bolt (required patterns)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    design_search.save_figure(fig, os.path.join(out, "tonnes_vs_time_per_bolt.png"))
    plt.close(fig)


def main(argv=None):
    ap = cli_errors.OneLineArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep")
    ap.add_argument("command", choices=["list", "run-task", "run", "merge"])
    ap.add_argument("index", nargs="?", type=int, help="task number for run-task")
    ap.add_argument("--out", help="output directory (default output/sweep_<name>)")
    ap.add_argument("--ranks", type=int)
    ap.add_argument("--no-factor-of-safety", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="do not pass the solver's progress lines through")
    args = ap.parse_args(argv)
    try:
        sweep = load_sweep(args.sweep)
        sweep["base"]["progress"] = not args.quiet
        out = os.path.abspath(args.out or os.path.join(
            ROOT, "output", "sweep_" + os.path.splitext(os.path.basename(args.sweep))[0]))
        if args.command == "list":
            for t in sweep["tasks"]:
                print(f"{t['index']}\t{t['name']}")
            return 0
        if args.command == "run-task":
            if args.index is None:
                raise DesignInputError("sweep input error: run-task needs a task number (0 to "
                                       f"{len(sweep['tasks']) - 1})")
            run_task(sweep, args.index, out, args.ranks, not args.no_factor_of_safety)
            return 0
        if args.command == "run":
            for t in sweep["tasks"]:
                check_task(sweep, t["index"], out, args.ranks)
            for t in sweep["tasks"]:
                run_task(sweep, t["index"], out, args.ranks, not args.no_factor_of_safety)
        return merge(sweep, out)
    except (DesignInputError, production.ProductionInputError) as e:
        print(f"sweep.py: {e}", file=sys.stderr)
        return 2
    except design_search.AnalysisError as e:
        print(f"sweep.py: the sweep stopped: {e}", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(cli_errors.run(main, "sweep.py", (DesignInputError, production.ProductionInputError)))
