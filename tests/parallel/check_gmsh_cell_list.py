"""A Gmsh mesh read as a cell list and cut into parts by coordinate
bisection (no rank builds the whole mesh) against the same mesh read by
deal.II's GridIn into a p4est forest, on 1, 2 and 3 MPI ranks: the 3D bench
drift (hexahedra, four layers, roller faces named in the mesh) and the 2D
clamped beam (quadrilaterals, clamped ribs). Same cells, same DoFs, and the
probe and largest displacements agree to 1e-6 of max |u| (both solves reach
a relative residual of 1e-8). A boundary face given the wrong id, or a ghost
cell whose DoFs do not match its owner's, changes these by far more. The
drift saved by Gmsh in format 4.1 must take the cell-list path too, and the
drift with sparse node tags (which the cell-list reader leaves to GridIn)
the serial-mesh path, both on 2 ranks with the same answer.

Usage: check_gmsh_cell_list.py DRIFT_MSH BEAM_MSH"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import compare_displacements, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 1e-6
NO_FILES = ["Output/Write HDF5=false", "Output/Write VTU=false"]


def main():
    drift_msh, beam_msh = sys.argv[1], sys.argv[2]
    cases = {
        "drift_3d": (os.path.join(ROOT, "bench", "drift.prm"),
                     [f"Geometry/Gmsh/Mesh file={drift_msh}", "Linear solver/Operator=assembled",
                      "Output/Probe points=roof_centre: 0 2 3, rib_foot: 2.25 2 0.5"] + NO_FILES,
                     ["roof_centre", "rib_foot"]),
        "beam_2d": (os.path.join(ROOT, "tests", "verification", "clamped_beam_gmsh.prm"),
                    [f"Geometry/Gmsh/Mesh file={beam_msh}"] + NO_FILES,
                    ["mid_span_axis", "mid_span_bottom"]),
    }
    failures = []
    for name, (case, sets, probes) in cases.items():
        runs = {}
        readers = [("p4est", 1), ("cell list", 1), ("cell list", 2), ("cell list", 3)]
        variants = {}
        if name == "drift_3d":
            # The same mesh in format 4.1 (Gmsh's default), read as a cell list.
            gmsh = shutil.which("gmsh")
            if gmsh is None:
                raise SystemExit("FAILED: gmsh not found (scripts/setup.sh installs it)")
            work = scratch("gmsh_cell_list_variants")
            variants["format 4.1"] = os.path.join(work, "drift-msh41.msh")
            subprocess.run([gmsh, drift_msh, "-save", "-format", "msh41", "-o", variants["format 4.1"],
                            "-v", "1"], check=True)
            # Node tags 10^6 apart (sparse): the cell-list reader leaves the
            # file to GridIn, every rank builds the serial mesh.
            variants["serial mesh"] = os.path.join(work, "drift-sparse-tags.msh")
            with open(drift_msh) as f:
                text = f.read()
            head, rest = text.split("$Nodes\n", 1)
            node_block, rest = rest.split("$EndNodes\n", 1)
            element_head, rest = rest.split("$Elements\n", 1)
            element_block, tail = rest.split("$EndElements\n", 1)
            lines = node_block.splitlines()
            nodes = [lines[0]] + [" ".join([str(int(w[0]) * 1000000)] + w[1:])
                                  for w in (line.split() for line in lines[1:])]
            lines = element_block.splitlines()
            elements = [lines[0]]
            for line in lines[1:]:
                w = line.split()
                n_tags = int(w[2])
                keep = 3 + n_tags
                elements.append(" ".join(w[:keep] + [str(int(v) * 1000000) for v in w[keep:]]))
            with open(variants["serial mesh"], "w") as f:
                f.write(head + "$Nodes\n" + "\n".join(nodes) + "\n$EndNodes\n" + element_head
                        + "$Elements\n" + "\n".join(elements) + "\n$EndElements\n" + tail)
            readers += [("format 4.1", 2), ("serial mesh", 2)]
        expected = {"p4est": "p4est", "cell list": "mesh file read as a cell list",
                    "format 4.1": "mesh file read as a cell list", "serial mesh": "serial mesh on every rank"}
        for reader, ranks in readers:
            out = scratch(f"gmsh_cell_list_{name}_{reader.replace(' ', '_')}_{ranks}")
            forest = "true" if reader == "p4est" else "false"
            extra = [f"Geometry/Gmsh/Mesh file={variants[reader]}"] if reader in variants else []
            run_roofspan(case, out, ranks=ranks,
                         sets=sets + extra + [f"Load balancing/Repartition at support installation={forest}"])
            s = load_summary(out)
            used = s["mesh_ingestion"]["reader"]
            if expected[reader] not in used:
                failures.append(f"{name} on {ranks}: asked for {reader}, the summary says '{used}'")
            runs[(reader, ranks)] = s
            print(f"{name}: {reader:9s} on {ranks} rank(s): {s['cells']} cells, {s['dofs']} DoFs, "
                  f"max |u| {s['displacement']['max_magnitude']:.12e} m ({used})")
        reference = runs[("p4est", 1)]
        for key, s in runs.items():
            if key == ("p4est", 1):
                continue
            for count in ("cells", "dofs"):
                if s[count] != reference[count]:
                    failures.append(f"{name} {key}: {count} {s[count]} against {reference[count]}")
            failures += compare_displacements(f"{name} {key[0]} on {key[1]} vs p4est on 1", s, reference,
                                              probes, TOLERANCE)
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))
    print(f"PASSED Gmsh cell list = GridIn + p4est to {TOLERANCE:g} of max |u| on 1, 2 and 3 ranks "
          "(and format 4.1 as a cell list, sparse node tags through GridIn, on 2)")


main()
