"""Bad input gives a clear message naming the file and the parameter, exit
code 2, and leaves an earlier result in the output directory untouched."""
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import EXE, Checks, earlier_result, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
RP = "Geometry/Room and pillar/"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    work = scratch("input_errors")
    # A case with a misspelt key.
    with open(CASE) as f:
        text = f.read()
    typo_case = write(os.path.join(work, "typo.prm"),
                      text.replace("Room span            = 4.5", "Room spam            = 4.5")
                      .replace("../materials", os.path.join(ROOT, "materials")))
    # A case with a parameter roofspan no longer declares.
    retired_case = write(os.path.join(work, "retired.prm"),
                         text.replace("  set Load steps = 32", "  set Load steps = 32\n  set Maximum step cuts = 5")
                         .replace("../materials", os.path.join(ROOT, "materials")))
    # A library whose only unit has nu = 0.5.
    bad_lib = os.path.join(work, "bad_library")
    os.makedirs(bad_lib, exist_ok=True)
    with open(os.path.join(ROOT, "materials", "clay_manto.prm")) as f:
        unit = f.read()
    write(os.path.join(bad_lib, "clay_manto.prm"),
          re.sub(r"Poisson's ratio\s*=\s*[0-9.]+", "Poisson's ratio  = 0.5", unit))
    for name in ("breccia.prm", "sandstone.prm", "resin_rebar_19mm.prm"):
        shutil.copy(os.path.join(ROOT, "materials", name), bad_lib)
    # A library whose bolt product has a negative bond strength.
    bad_bolts = os.path.join(work, "bad_bolt_library")
    os.makedirs(bad_bolts, exist_ok=True)
    for name in ("clay_manto.prm", "breccia.prm", "sandstone.prm"):
        shutil.copy(os.path.join(ROOT, "materials", name), bad_bolts)
    with open(os.path.join(ROOT, "materials", "resin_rebar_19mm.prm")) as f:
        product = f.read()
    write(os.path.join(bad_bolts, "resin_rebar_19mm.prm"),
          re.sub(r"Bond strength\s*=\s*[0-9.e]+", "Bond strength  = -68e3", product))

    # Libraries with one bad strength value each in the clay manto.
    def bad_unit(tag, key, value):
        lib = os.path.join(work, "bad_" + tag)
        os.makedirs(lib, exist_ok=True)
        for name in ("breccia.prm", "sandstone.prm", "resin_rebar_19mm.prm"):
            shutil.copy(os.path.join(ROOT, "materials", name), lib)
        write(os.path.join(lib, "clay_manto.prm"),
              re.sub(key + r"\s*=\s*[-0-9.e]+", f"{key} = {value}", unit))
        return lib

    # Material files that are not parameter files, or set a key twice.
    def library_with_clay(tag, text):
        lib = os.path.join(work, "lib_" + tag)
        os.makedirs(lib, exist_ok=True)
        for name in ("breccia.prm", "sandstone.prm", "resin_rebar_19mm.prm"):
            shutil.copy(os.path.join(ROOT, "materials", name), lib)
        write(os.path.join(lib, "clay_manto.prm"), text)
        return lib

    garbage = library_with_clay("garbage", unit.replace("subsection Rock unit", "subsection Rock unit\n  this is not a parameter", 1))
    twice_unit = library_with_clay("twice", re.sub(r"(set Cohesion\s*=\s*[-0-9.e]+)", r"\1\n  set Cohesion = 1", unit, count=1))
    cases_materials = [
        ("malformed material file", CASE, [f"Materials/Library directories={garbage}"],
         ["clay_manto.prm", "this is not a parameter"]),
        ("material key set twice", CASE, [f"Materials/Library directories={twice_unit}"],
         ["clay_manto.prm", "Cohesion", "set twice"]),
    ]

    strength = [
        ("friction angle 90", bad_unit("phi", "Friction angle", "90"), "Friction angle", "phi < 90"),
        ("negative cohesion", bad_unit("c", "Cohesion", "-5e3"), "Cohesion", "c >= 0"),
        ("dilation above friction", bad_unit("psi", "Dilation angle", "25"), "Dilation angle", "psi <= phi"),
        ("tensile strength above the apex", bad_unit("t", "Tensile strength", "200e3"),
         "Tensile strength", "apex"),
    ]

    cases = [
        # (what, case, --set overrides, words the message must contain)
        ("unknown key", typo_case, [], ["typo.prm", "Room spam"]),
        ("retired key", retired_case, [], ["retired.prm", "Maximum step cuts", "Smallest load increment"]),
        # Bedding contacts and telltales.
        ("contact unit as a layer", CASE,
         ["Stratigraphy/Layers above floor=ore manto: 2.5, clay-coated bedding: 0.6, breccia: 3"],
         ["room_4.5m.prm", "Stratigraphy/Layers above floor", "clay-coated bedding", "Stratigraphy/Contacts"]),
        ("rock unit as a contact", CASE, ["Stratigraphy/Contacts=3.1: breccia"],
         ["room_4.5m.prm", "Stratigraphy/Contacts", "breccia", "not a contact unit"]),
        ("contact above the model", CASE, ["Stratigraphy/Contacts=500: clay-coated bedding"],
         ["room_4.5m.prm", "Stratigraphy/Contacts", "inside the model"]),
        ("contact elevation with a unit", CASE, ["Stratigraphy/Contacts=3.1m: clay-coated bedding"],
         ["room_4.5m.prm", "Stratigraphy/Contacts", "3.1m"]),
        ("overlapping contacts", CASE,
         ["Stratigraphy/Contacts=3.1: clay-coated bedding, 3.105: clay-coated bedding"],
         ["room_4.5m.prm", "Stratigraphy/Contacts", "overlaps"]),
        ("refining a model with contacts", CASE,
         ["Stratigraphy/Contacts=3.1: clay-coated bedding", "Discretization/Global refinements=1"],
         ["room_4.5m.prm", "Discretization/Global refinements", "contact"]),
        ("telltale anchors descending", CASE, ["Telltales/Anchor heights=3.6, 1.8"],
         ["room_4.5m.prm", "Telltales/Anchor heights", "ascending"]),
        ("telltale without its place", CASE, ["Telltales/Points=centre"],
         ["room_4.5m.prm", "Telltales/Points", "centre"]),
        ("unknown material", CASE, ["Stratigraphy/Layers above floor=clay manto: 2.5, granite: 3"],
         ["room_4.5m.prm", "Stratigraphy/Layers", "granite"]),
        ("negative thickness", CASE, ["Stratigraphy/Layers above floor=clay manto: 2.5, breccia: -3"],
         ["room_4.5m.prm", "Stratigraphy/Layers above floor", "-3"]),
        ("nu >= 0.5", CASE, [f"Materials/Library directories={bad_lib}"],
         ["clay_manto.prm", "Poisson's ratio", "nu < 0.5"]),
        ("zero span", CASE, [RP + "Room span=0"], ["room_4.5m.prm", RP + "Room span"]),
        ("missing mesh file", CASE, ["Geometry/Model=gmsh", "Geometry/Gmsh/Mesh file=no_such_mesh.msh"],
         ["room_4.5m.prm", "Geometry/Gmsh/Mesh file", "no_such_mesh.msh"]),
        ("opening wider than the model", CASE,
         [RP + "Layout=single opening", RP + "Model half-width=2"],
         ["room_4.5m.prm", RP + "Model half-width", "wider than the model"]),
        ("unknown --set key", CASE, ["Geometry/Room and pillar/Span=4"], ["--set", "Span"]),
        ("wrong dimension for model", CASE, ["Dimension=3"], ["room_4.5m.prm", "Dimension"]),
        # Bolts.
        ("bolt longer than the roof model", CASE, ["Bolts/Length=40"],
         ["room_4.5m.prm", "Bolts/Length", "longer than the rock model"]),
        ("zero row spacing", CASE, ["Bolts/Row spacing=0"], ["room_4.5m.prm", "Bolts/Row spacing", "> 0"]),
        ("negative bond strength", CASE, [f"Materials/Library directories={bad_bolts}"],
         ["resin_rebar_19mm.prm", "Bolt product/Bond strength", "-68000"]),
        ("bolt outside the opening", CASE, ["Bolts/Offsets=0.5, 3"],
         ["room_4.5m.prm", "Bolts/Offsets", "outside the span"]),
        ("unknown bolt product", CASE, ["Bolts/Product=titanium bolt"],
         ["room_4.5m.prm", "Bolts/Product", "titanium bolt"]),
        ("pretension on a grouted bolt", CASE, ["Bolts/Pretension=50e3"],
         ["room_4.5m.prm", "Bolts/Pretension", "end-anchored"]),
    ] + [(what, CASE, [f"Materials/Library directories={lib}"], ["clay_manto.prm", key, words])
         for what, lib, key, words in strength] + cases_materials

    # Damaged Gmsh meshes (from the clamped-beam mesh the build generates):
    # counts that would allocate gigabytes from a small file, a truncated
    # file. One line naming the mesh file, no stack trace.
    beam_case = os.path.join(ROOT, "tests", "verification", "clamped_beam_gmsh.prm")
    beam_mesh = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(EXE))), "meshes",
                             "clamped_beam.msh")
    if os.path.isfile(beam_mesh):
        with open(beam_mesh) as f:
            mesh = f.read()
        damaged = {
            "PhysicalNames count 400 million": mesh.replace("$PhysicalNames\n5\n", "$PhysicalNames\n400000000\n"),
            "PhysicalNames count -1": mesh.replace("$PhysicalNames\n5\n", "$PhysicalNames\n-1\n"),
            "Nodes count 10^12": mesh.replace("$Nodes\n1449\n", "$Nodes\n1000000000000\n"),
            "truncated mesh": mesh[: len(mesh) * 6 // 10],
            # Cut inside $Elements: the cell-list reader gives up part-way
            # and must not run on the cells it had (GridIn reports it).
            "truncated in Elements": mesh[: len(mesh) * 9 // 10],
        }
        for what, text in damaged.items():
            path = write(os.path.join(work, what.replace(" ", "_") + ".msh"), text)
            cases.append((what, beam_case, [f"Geometry/Gmsh/Mesh file={path}"], [os.path.basename(path)]))
    else:
        print(f"  damaged meshes skipped: {beam_mesh} not built")

    # A key set twice; a layer thickness with trailing text or a unit.
    with open(CASE) as f:
        text = f.read().replace("../materials", os.path.join(ROOT, "materials"))
    twice = write(os.path.join(work, "twice.prm"),
                  text.replace("set Room span            = 4.5", "set Room span            = 4.5\n    set Room span = 5.5"))
    cases.append(("key set twice", twice, [], ["twice.prm", "Room span", "set twice"]))
    for value in ("3m", "7x", "inf"):
        cases.append((f"layer thickness {value}", CASE,
                      [f"Stratigraphy/Layers above floor=clay manto: 2.5, breccia: {value}"],
                      ["room_4.5m.prm", "Stratigraphy/Layers above floor", value]))

    cases.append(("Newton tolerance 0", CASE, ["Nonlinear solver/Tolerance=0"], ["--set", "Tolerance"]))
    cases.append(("linear tolerance 0", CASE, ["Linear solver/Relative tolerance=0"],
                  ["--set", "Relative tolerance"]))
    cases.append(("factorisation reuse without the direct solver", CASE,
                  ["Linear solver/Preconditioner=boomeramg", "Linear solver/Factorisation reuse=30"],
                  ["Linear solver/Factorisation reuse", "Preconditioner = direct"]))
    cases.append(("matrix-free operator with the direct solver", CASE, ["Stratigraphy/Contacts=", "Linear solver/Operator=matrix-free"],
                  ["room_4.5m.prm", "Linear solver/Operator", "Preconditioner = direct"]))

    # Function expressions, probe points, unknown names, model size, bolts.
    BCF = "Boundary conditions/Displacement function/Function expression"
    cases += [
        ("function expression with a syntax error", CASE, [BCF + "=sin(x; 0"],
         ["room_4.5m.prm", BCF, "Missing parenthesis"]),
        ("function expression with one component", CASE, [BCF + "=0"],
         ["room_4.5m.prm", BCF, "2 expressions"]),
        ("function expression with an unknown variable", CASE, [BCF + "=q; 0"],
         ["room_4.5m.prm", BCF]),
        ("probe point coordinate not a number", CASE, ["Output/Probe points=a: 1 x"],
         ["room_4.5m.prm", "Output/Probe points", "'x' is not a number"]),
        ("probe point in the opening", CASE, ["Output/Probe points=a: 1 1"],
         ["room_4.5m.prm", "Output/Probe points", "outside the rock"]),
        ("probe point beyond the model", CASE, ["Output/Probe points=far: 100 100"],
         ["room_4.5m.prm", "Output/Probe points", "outside the rock"]),
        ("probe point without a name", CASE, ["Output/Probe points=1 2"],
         ["room_4.5m.prm", "Output/Probe points", "name: x y"]),
        ("probe point with three coordinates in 2D", CASE, ["Output/Probe points=a: 1 2 3"],
         ["room_4.5m.prm", "Output/Probe points", "2 coordinates"]),
        ("unknown unit below the floor", CASE, ["Stratigraphy/Layers below floor=granite: 3"],
         ["room_4.5m.prm", "Stratigraphy/Layers below floor", "granite"]),
        ("unknown --set section", CASE, ["Geometry/Room and piller/Room span=4"],
         ["--set", "Room and piller", "no such parameter"]),
        ("ten refinements", CASE, ["Stratigraphy/Contacts=", "Discretization/Global refinements=10"],
         ["room_4.5m.prm", "Discretization/Global refinements", "DoFs", "GiB", "Memory limit"]),
        ("refinements beyond an explicit memory limit", CASE,
         ["Stratigraphy/Contacts=", "Discretization/Global refinements=2", "Discretization/Memory limit=0.1"],
         ["room_4.5m.prm", "Discretization/Global refinements", "0.1"]),
        ("memory limit not a number", CASE, ["Discretization/Memory limit=lots"],
         ["room_4.5m.prm", "Discretization/Memory limit", "lots"]),
        ("1000 bolts per row", CASE, ["Bolts/Bolts per row=1000"],
         ["room_4.5m.prm", "Bolts/Bolts per row", "holes would overlap"]),
        ("bolts 4 mm apart", CASE, ["Bolts/Offsets=0.5, 0.504, 1"],
         ["room_4.5m.prm", "Bolts/Offsets", "holes would overlap"]),
        ("row spacing below the bar diameter", CASE, ["Bolts/Row spacing=0.01"],
         ["room_4.5m.prm", "Bolts/Row spacing", "holes would overlap"]),
        ("polynomial degree 3", CASE, ["Discretization/Polynomial degree=3"],
         ["--set", "Polynomial degree"]),
        ("boolean not a boolean", CASE, ["Output/Write VTU=maybe"], ["--set", "Write VTU", "maybe"]),
        ("missing case file", os.path.join(work, "no_such_case.prm"), [], ["no_such_case.prm"]),
    ]
    # Numbers: parsing names the parameter; non-finite and absurd magnitudes
    # are refused at input (they used to end as solver failures, exit 5).
    BC = "Boundary conditions/"
    TOP_TRACTION = BC + "Conditions=room_centre: symmetry, pillar_centre: symmetry, bottom: roller, top: traction"
    cases += [
        ("traction not a number", CASE, [TOP_TRACTION, BC + "Tractions=top: abc 0"],
         ["room_4.5m.prm", BC + "Tractions", "abc"]),
        ("traction -1e400", CASE, [TOP_TRACTION, BC + "Tractions=top: 0 -1e400"],
         ["room_4.5m.prm", BC + "Tractions", "-1e400", "not a finite number"]),
        ("traction nan", CASE, [TOP_TRACTION, BC + "Tractions=top: nan 0"],
         ["room_4.5m.prm", BC + "Tractions", "nan"]),
        ("K0 1e308", CASE, ["In-situ stress/K0 in plane=1e308"], ["K0 in plane", "1e308"]),
        ("depth 1e308", CASE, ["Stratigraphy/Depth of floor=1e308"], ["Depth of floor", "1e308"]),
        ("unit weight 1e308", CASE, [f"Materials/Library directories={bad_unit('gamma', 'Unit weight', '1e308')}"],
         ["clay_manto.prm", "Unit weight", "1e308"]),
        ("drift length 1e308", CASE, ["Dimension=3", "Geometry/Model=drift", RP + "Drift length=1e308"],
         ["room_4.5m.prm", "Drift length", "1e308"]),
        ("drift length 1e5 m", CASE, ["Dimension=3", "Geometry/Model=drift", RP + "Drift length=1e5"],
         ["room_4.5m.prm", RP + "Drift length", "10,000 m"]),
        ("displacement function sqrt of a negative number", CASE,
         [BC + "Conditions=room_centre: symmetry, pillar_centre: symmetry, bottom: displacement, "
               "top: in-situ traction", BCF + "=sqrt(-1 - x*x); 0"],
         ["room_4.5m.prm", BCF, "not a finite number"]),
        ("a floating model (no boundary conditions)", CASE,
         [BC + "Conditions=room_centre: free, pillar_centre: free, bottom: free, top: in-situ traction"],
         ["room_4.5m.prm", BC + "Conditions", "rigid body", "translation in x", "translation in y",
          "rotation about z"]),
        ("a model free to slide sideways (rollers on the bottom only)", CASE,
         [BC + "Conditions=bottom: roller, top: in-situ traction"],
         ["room_4.5m.prm", BC + "Conditions", "translation in x"]),
        ("unknown PETSc solver type", CASE, ["Linear solver/Extra PETSc options=-ksp_type bogus"],
         ["room_4.5m.prm", "Linear solver/Extra PETSc options", "bogus"]),
        ("matrix-free operator with GAMG", CASE,
         ["Stratigraphy/Contacts=", "Linear solver/Operator=matrix-free", "Linear solver/Preconditioner=gamg", "Bolts/Product="],
         ["room_4.5m.prm", "Linear solver/Operator", "gamg"]),
        ("2e9 bolts per row", CASE, ["Bolts/Bolts per row=2000000000"],
         ["room_4.5m.prm", "Bolts/Bolts per row", "holes would overlap"]),
        ("a mesh too fine for the memory (0.002 m cells, no growth)", CASE,
         [RP + "Cell size at opening=0.002", RP + "Growth ratio=1"],
         ["room_4.5m.prm", "coarse cells", "GiB"]),
    ]
    # Files that are not parameter files: includes that loop, a device, a
    # FIFO (a read would block forever), a huge file, a binary include.
    with open(CASE) as f:
        absolute_case = f.read().replace("../materials", os.path.join(ROOT, "materials"))
    looping = os.path.join(work, "includes_itself.prm")
    write(looping, absolute_case + f"\ninclude {looping}\n")
    cases.append(("a case that includes itself", looping, [], ["includes_itself.prm", "include each other"]))
    upper = os.path.join(work, "INCLUDES_ITSELF.prm")
    write(upper, absolute_case + f"\nINCLUDE {upper}\n")  # deal.II takes keywords in capitals too
    cases.append(("a case that INCLUDEs itself (capitals)", upper, [], ["INCLUDES_ITSELF.prm", "include each other"]))
    pair_a, pair_b = os.path.join(work, "pair_a.prm"), os.path.join(work, "pair_b.prm")
    write(pair_a, absolute_case + f"\ninclude {pair_b}\n")
    write(pair_b, f"include {pair_a}\n")
    cases.append(("two files that include each other", pair_a, [], ["pair_a.prm", "pair_b.prm", "include each other"]))
    zero = write(os.path.join(work, "includes_dev_zero.prm"), absolute_case + "\ninclude /dev/zero\n")
    cases.append(("an include of /dev/zero", zero, [], ["includes_dev_zero.prm", "/dev/zero", "device"]))
    fifo_case = os.path.join(work, "fifo_case.prm")
    if not os.path.exists(fifo_case):
        os.mkfifo(fifo_case)
    cases.append(("a FIFO as the case file", fifo_case, [], ["fifo_case.prm", "FIFO"]))
    fifo_lib = os.path.join(work, "lib_fifo")
    os.makedirs(fifo_lib, exist_ok=True)
    for name in ("clay_manto.prm", "breccia.prm", "sandstone.prm", "resin_rebar_19mm.prm"):
        shutil.copy(os.path.join(ROOT, "materials", name), fifo_lib)
    if not os.path.exists(os.path.join(fifo_lib, "pipe.prm")):
        os.mkfifo(os.path.join(fifo_lib, "pipe.prm"))
    cases.append(("a FIFO named *.prm in the material library", CASE, [f"Materials/Library directories={fifo_lib}"],
                  ["pipe.prm", "FIFO"]))
    huge = os.path.join(work, "huge.prm")
    with open(huge, "wb") as f:
        f.truncate(1 << 30)  # sparse: 1 GiB that takes no disk
    cases.append(("a 1 GiB case file", huge, [], ["huge.prm", "1024 MiB"]))
    binary_include = os.path.join(work, "binary_include.bin")
    with open(binary_include, "wb") as f:
        f.write(bytes(range(256)) * 4)
    includes_binary = write(os.path.join(work, "includes_binary.prm"), absolute_case + f"\ninclude {binary_include}\n")
    cases.append(("an include of a binary file", includes_binary, [], ["binary_include.bin", "binary"]))

    # A case that is not a parameter file at all; a directory as the case.
    binary = os.path.join(work, "binary.prm")
    with open(binary, "wb") as f:
        f.write(bytes(range(256)) * 4)
    cases.append(("binary case file", binary, [], ["binary.prm"]))
    cases.append(("directory as the case file", work, [], [os.path.basename(work)]))

    c = Checks("Bad input: message, exit code 2, earlier output untouched")
    EARLIER = '{"earlier": "good result"}\n'

    def folder_with_earlier_result(prefix, what):
        out = os.path.join(work, prefix + what.replace(" ", "_").replace(">=", "ge"))
        shutil.rmtree(out, ignore_errors=True)
        earlier_result(out, {"summary.json": EARLIER})
        return out

    def untouched(out):
        with open(os.path.join(out, "summary.json")) as f:
            return f.read() == EARLIER and sorted(os.listdir(out)) == [".roofspan-result", "summary.json"]

    for what, case, sets, words in cases:
        out = folder_with_earlier_result("out_", what)
        code, stdout, stderr = run_roofspan(case, out, sets=sets, check=False, timeout=60)
        message = stderr.strip()
        print(f"  {what}: exit {code}: {message}")
        c.condition(f"{what}: exit code 2", code == 2, str(code))
        missing = [w for w in words if w not in message]
        c.condition(f"{what}: message names {words}", not missing, f"missing {missing}" if missing else "")
        c.condition(f"{what}: one line, no stack trace", message.count("\n") == 0 and "Stacktrace" not in message,
                    f"{message.count(chr(10)) + 1} lines")
        c.condition(f"{what}: earlier output untouched", untouched(out))

    # On 2 ranks every rank must stop: exit code 2 within the timeout (a
    # hang is the failure mode), one message, nothing written.
    two_ranks = [case for case in cases if case[0] in (
        "unknown key", "unknown material", "nu >= 0.5", "missing mesh file", "bolt longer than the roof model",
        "negative bond strength", "PhysicalNames count 400 million", "truncated mesh", "key set twice",
        "probe point in the opening", "ten refinements", "function expression with a syntax error",
        "1000 bolts per row", "traction not a number", "a floating model (no boundary conditions)",
        "unknown PETSc solver type", "a case that includes itself", "a FIFO named *.prm in the material library",
        "a mesh too fine for the memory (0.002 m cells, no growth)",
        "displacement function sqrt of a negative number")]
    for what, case, sets, words in two_ranks:
        out = folder_with_earlier_result("out2_", what)
        code, stdout, stderr = run_roofspan(case, out, ranks=2, sets=sets, check=False, timeout=60)
        errors = [line for line in stderr.splitlines() if line.startswith("roofspan: ")]
        print(f"  2 ranks, {what}: exit {code}: {errors[0] if errors else stderr.strip()[:200]}")
        c.condition(f"2 ranks, {what}: exit code 2, no hang", code == 2, str(code))
        c.condition(f"2 ranks, {what}: one message naming {words}",
                    len(errors) == 1 and all(w in errors[0] for w in words), f"{len(errors)} messages")
        c.condition(f"2 ranks, {what}: earlier output untouched", untouched(out))

    # Warnings, not errors: a roof mesh too coarse for the opening and bolts
    # closer than a few diameters run to the end and say so in the log and
    # in summary.json.
    out = os.path.join(work, "warnings")
    shutil.rmtree(out, ignore_errors=True)
    code, stdout, stderr = run_roofspan(
        CASE, out, check=False,
        sets=["Materials/Elastic rock=true", "Strength reduction/Compute factor of safety=false",
              RP + "Cell size at opening=1.5", RP + "Maximum cell size=3", "Bolts/Offsets=0.5, 0.55, 1.5",
              "Output/Write VTU=false", "Output/Write HDF5=false"])
    warned = []
    if code == 0:
        with open(os.path.join(out, "summary.json")) as f:
            warned = json.load(f).get("warnings", [])
    print(f"  warnings: exit {code}: {warned}")
    c.condition("coarse mesh and crowded bolts: the run completes", code == 0, str(code))
    for word in ("mesh too coarse", "bolts crowded"):
        c.condition(f"warning '{word}' in summary.json", any(word in w for w in warned))
        c.condition(f"warning '{word}' in the log", f"warning: {word}" in stdout)
    # The default case has no warning.
    code, stdout, _ = run_roofspan(CASE, out, extra=["--validate"], check=False)
    c.condition("the default case validates without a warning", code == 0 and "warning" not in stdout, stdout)

    # A set after an include overrides the included value (deal.II's last
    # set wins): not a key set twice.
    overriding = write(os.path.join(work, "overrides_include.prm"),
                       f"include {CASE}\nsubsection Geometry\n  subsection Room and pillar\n"
                       "    set Room span = 4\n  end\nend\n"
                       f"subsection Materials\n  set Library directories = {os.path.join(ROOT, 'materials')}\nend\n")
    code, stdout, stderr = run_roofspan(overriding, os.path.join(work, "overrides_out"), extra=["--validate"],
                                        check=False, timeout=60)
    c.condition("a set after an include overrides it: --validate exit 0", code == 0, stderr.strip()[:200])

    # --validate refuses a mesh too fine for the memory from the input alone,
    # in seconds (the size guard used to run after the coarse mesh was built).
    out = os.path.join(work, "validate_too_fine")
    t = time.time()
    code, _, stderr = run_roofspan(CASE, out, sets=[RP + "Cell size at opening=0.002", RP + "Growth ratio=1"],
                                   extra=["--validate"], check=False, timeout=60)
    secs = time.time() - t
    c.condition(f"--validate refuses a mesh too fine for the memory ({secs:.1f} s)",
                code == 2 and "GiB" in stderr and secs < 20, f"exit {code}: {stderr.strip()[:200]}")

    # A linear solver that fails on the matrix-free path is exit 5 with a
    # remedy that path can take (it has no direct solver).
    out = os.path.join(work, "matrix_free_one_iteration")
    shutil.rmtree(out, ignore_errors=True)
    code, _, stderr = run_roofspan(
        CASE, out, check=False, timeout=120,
        sets=["Stratigraphy/Contacts=", "Materials/Elastic rock=true", "Strength reduction/Compute factor of safety=false",
              "Linear solver/Operator=matrix-free", "Linear solver/Preconditioner=boomeramg",
              "Linear solver/Maximum iterations=1", "Output/Write VTU=false", "Output/Write HDF5=false"])
    print(f"  matrix-free, 1 iteration: exit {code}: {stderr.strip()[:300]}")
    c.condition("matrix-free with 1 iteration: exit 5, the remedy names the assembled operator",
                code == 5 and "Operator = assembled" in stderr, f"exit {code}")

    # --output-dir "" is refused (it used to mean ./output/<case>).
    code, _, stderr = run_roofspan(CASE, None, extra=["--output-dir", ""], check=False)
    c.condition('--output-dir "": exit 2, named', code == 2 and "--output-dir" in stderr, stderr.strip()[:100])

    # --validate accepts the good case and writes nothing.
    out = os.path.join(work, "validate_out")
    shutil.rmtree(out, ignore_errors=True)
    code, stdout, _ = run_roofspan(CASE, out, extra=["--validate"], check=False)
    c.condition("--validate on the default case: exit 0, no output", code == 0 and not os.path.exists(out),
                stdout.strip())
    # --validate places the bolts in the mesh too.
    code, _, stderr = run_roofspan(CASE, out, sets=["Bolts/Length=40"], extra=["--validate"], check=False)
    c.condition("--validate finds a bolt longer than the model", code == 2 and "Bolts/Length" in stderr,
                stderr.strip()[:80])
    c.finish()


main()
