#!/usr/bin/env python3
"""The peer-comparison drift (bench/drift.geo, issue 16) solved with FEniCSx
0.5 (Debian 12's python3-dolfinx): the same Gmsh hexahedral mesh, read on
rank 0 and distributed by dolfinx.io.gmshio; Q1 or Q2; AIJ matrix with block
size 3; CG on the true residual to 1e-8; BoomerAMG tuned as for the block
peer (HMIS, ext+i, P_max 4, strong threshold 0.5, one level of aggressive
coarsening, Chebyshev). Phases are timed like roofspan's:

    mpirun -np 2 /usr/bin/python3 bench/peer_fenicsx_drift.py drift.msh [--degree 2]

Prints one line per phase and a JSON line. A reference to read next to
bench/run_bench.py --only drift-q1 / drift-q2 --peer, which alternates the two."""
import argparse
import json
import time

import gmsh
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import (apply_lifting, assemble_matrix, assemble_vector, create_matrix,
                               create_vector, set_bc)
from dolfinx.io import gmshio
from mpi4py import MPI
from petsc4py import PETSc

# Units of the drift's layers (bench/materials): E [Pa], nu.
UNITS = {"sandstone_floor": (10e9, 0.22), "clay": (0.5e9, 0.35), "breccia": (3e9, 0.28),
         "sandstone_roof": (10e9, 0.22)}


def peak_memory():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return 1024.0 * float(line.split()[1])
    return 0.0


def physical_names(path):
    """{name: tag} from the mesh file's $PhysicalNames (format 2 or 4)."""
    names = {}
    with open(path) as f:
        for line in f:
            if line.startswith("$PhysicalNames"):
                for _ in range(int(next(f))):
                    dim, tag, name = next(f).split(maxsplit=2)
                    names[name.strip().strip('"')] = int(tag)
                break
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mesh")
    ap.add_argument("--degree", type=int, default=2, choices=[1, 2])
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    times = {}
    clock = [time.perf_counter()]
    start = clock[0]

    def lap(name):
        comm.Barrier()
        now = time.perf_counter()
        times[name] = now - clock[0]
        clock[0] = now

    names = comm.bcast(physical_names(args.mesh) if comm.rank == 0 else None, root=0)
    # gmshio.read_from_msh of Debian's dolfinx 0.5.2 fails (it passes an
    # undefined 'partitioner'); this is what it does, without the bug.
    if comm.rank == 0:
        gmsh.initialize()
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(args.mesh)
    domain, cell_tags, facet_tags = gmshio.model_to_mesh(gmsh.model, comm, 0, gdim=3)
    if comm.rank == 0:
        gmsh.finalize()
    lap("mesh")

    V = fem.VectorFunctionSpace(domain, ("Lagrange", args.degree))
    Q = fem.FunctionSpace(domain, ("DG", 0))
    E, nu = fem.Function(Q), fem.Function(Q)
    for name, (young, poisson) in UNITS.items():
        cells = cell_tags.find(names[name])
        E.x.array[cells] = young
        nu.x.array[cells] = poisson
    mu = E / (2 * (1 + nu))
    lmbda = E * nu / ((1 + nu) * (1 - 2 * nu))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)

    def eps(w):
        return ufl.sym(ufl.grad(w))

    a = ufl.inner(2 * mu * eps(u) + lmbda * ufl.tr(eps(u)) * ufl.Identity(3), eps(v)) * ufl.dx
    L = ufl.dot(fem.Constant(domain, PETSc.ScalarType((0.0, 0.0, -22e3))), v) * ufl.dx
    a_form, L_form = fem.form(a), fem.form(L)
    lap("forms (JIT, cached after the first run)")

    fdim = 2

    def facets(*groups):
        return np.concatenate([facet_tags.find(names[g]) for g in groups])

    zero = PETSc.ScalarType(0.0)
    bcs = [fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType),
                           fem.locate_dofs_topological(V, fdim, facets("bottom")), V),
           fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(0), fdim, facets("x_min", "x_max")),
                           V.sub(0)),
           fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(1), fdim, facets("y_min", "y_max")),
                           V.sub(1))]
    A = create_matrix(a_form)
    b = create_vector(L_form)
    lap("setup")

    assemble_matrix(A, a_form, bcs=bcs)
    A.assemble()
    assemble_vector(b, L_form)
    apply_lifting(b, [a_form], [bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    set_bc(b, bcs)
    lap("assembly")

    opts = PETSc.Options()
    for key, value in {"pc_hypre_boomeramg_coarsen_type": "HMIS",
                       "pc_hypre_boomeramg_interp_type": "ext+i",
                       "pc_hypre_boomeramg_P_max": "4",
                       "pc_hypre_boomeramg_agg_nl": "1",
                       "pc_hypre_boomeramg_strong_threshold": "0.5",
                       "pc_hypre_boomeramg_relax_type_all": "Chebyshev"}.items():
        opts["peer_" + key] = value
    ksp = PETSc.KSP().create(comm)
    ksp.setOptionsPrefix("peer_")
    ksp.setOperators(A)
    ksp.setType("cg")
    ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    ksp.setTolerances(rtol=1e-8, atol=0.0, max_it=1000)
    pc = ksp.getPC()
    pc.setType("hypre")
    pc.setHYPREType("boomeramg")
    ksp.setFromOptions()
    ksp.setUp()
    pc.setUp()
    lap("amg_setup")

    x = A.createVecRight()
    ksp.solve(b, x)
    lap("cg")

    r = b.duplicate()
    A.mult(x, r)
    r.axpy(-1.0, b)
    relative = r.norm() / b.norm()
    # The largest displacement, to compare with roofspan's.
    local = x.getArray().reshape(-1, 3)
    largest = comm.allreduce(float(np.max(np.linalg.norm(local, axis=1))) if local.size else 0.0, op=MPI.MAX)
    total = time.perf_counter() - start - times["forms (JIT, cached after the first run)"]
    memory = comm.allreduce(peak_memory(), op=MPI.SUM)
    if comm.rank == 0:
        n_dofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
        for k, t in times.items():
            print(f"  {k}: {t:.2f} s")
        print(f"FEniCSx 0.5 drift Q{args.degree}: {n_dofs} DoFs, {ksp.getIterationNumber()} CG iterations, "
              f"true relative residual {relative:.2e}, max |u| {largest:.6e} m, total without JIT {total:.2f} s, "
              f"memory {memory / 1e9:.2f} GB (sum of ranks)")
        print(json.dumps({"dofs": n_dofs, "iterations": ksp.getIterationNumber(), "times": times,
                          "total_without_jit": total, "peak_rss_sum": memory, "max_displacement": largest}))


main()
