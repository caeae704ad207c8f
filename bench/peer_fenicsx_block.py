#!/usr/bin/env python3
"""The peer-comparison block solved with FEniCSx 0.5 (Debian 12's
python3-dolfinx), the way solver-notes.md describes the fastest peer: Q1
hexahedra, AIJ matrix with block size 3, CG on the true residual to 1e-8,
BoomerAMG with the tuned options (HMIS, ext+i, P_max 4, strong threshold
0.5, one level of aggressive coarsening, Chebyshev). Its phases are timed
like roofspan's, so that both can be run in the same hour on the same
machine (these virtual machines change speed from hour to hour):

    mpirun -np 2 /usr/bin/python3 bench/peer_fenicsx_block.py [--cells 126 42 84]

Prints one line per phase and a JSON line. Not a test, never committed
output: a reference to read next to bench/run_bench.py."""
import argparse
import json
import time

import numpy as np
import ufl
from dolfinx import fem, mesh
from dolfinx.fem.petsc import (apply_lifting, assemble_matrix, assemble_vector, create_matrix,
                               create_vector, set_bc)
from mpi4py import MPI
from petsc4py import PETSc


def peak_memory():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return 1024.0 * float(line.split()[1])
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, nargs=3, default=[126, 42, 84])
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

    # Same block as bench/block.prm: 9 x 3 x 6 m, layers 0-2, 2-4, 4-6 m.
    domain = mesh.create_box(comm, [np.array([0.0, 0.0, 0.0]), np.array([9.0, 3.0, 6.0])],
                             args.cells, mesh.CellType.hexahedron)
    lap("mesh")

    V = fem.VectorFunctionSpace(domain, ("Lagrange", 1))
    Q = fem.FunctionSpace(domain, ("DG", 0))
    E, nu = fem.Function(Q), fem.Function(Q)
    E.interpolate(lambda x: np.where(x[2] < 2, 0.5e9, np.where(x[2] < 4, 3e9, 10e9)))
    nu.interpolate(lambda x: np.where(x[2] < 2, 0.35, np.where(x[2] < 4, 0.28, 0.22)))
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
    bottom = mesh.locate_entities_boundary(domain, fdim, lambda x: np.isclose(x[2], 0.0))
    x_sides = mesh.locate_entities_boundary(domain, fdim,
                                            lambda x: np.isclose(x[0], 0.0) | np.isclose(x[0], 9.0))
    y_sides = mesh.locate_entities_boundary(domain, fdim,
                                            lambda x: np.isclose(x[1], 0.0) | np.isclose(x[1], 3.0))
    zero = PETSc.ScalarType(0.0)
    bcs = [fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType),
                           fem.locate_dofs_topological(V, fdim, bottom), V),
           fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(0), fdim, x_sides), V.sub(0)),
           fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(1), fdim, y_sides), V.sub(1))]
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
    total = time.perf_counter() - start - times["forms (JIT, cached after the first run)"]
    memory = comm.allreduce(peak_memory(), op=MPI.SUM)
    if comm.rank == 0:
        n_dofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
        for k, t in times.items():
            print(f"  {k}: {t:.2f} s")
        print(f"FEniCSx 0.5 block: {n_dofs} DoFs, {ksp.getIterationNumber()} CG iterations, "
              f"true relative residual {relative:.2e}, total without JIT {total:.2f} s, "
              f"memory {memory / 1e9:.2f} GB (sum of ranks)")
        print(json.dumps({"dofs": n_dofs, "iterations": ksp.getIterationNumber(), "times": times,
                          "total_without_jit": total, "peak_rss_sum": memory}))


main()
