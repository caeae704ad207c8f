"""What the FEniCSx peer scripts share (Debian 12's python3-dolfinx 0.5):
phase timing, peak memory, and the elastic solve the way solver-notes.md
describes the fastest peer: AIJ with block size 3, CG on the true residual
to 1e-8, BoomerAMG with the tuned options (HMIS, ext+i, P_max 4, strong
threshold 0.5, one level of aggressive coarsening, Chebyshev)."""
import json
import time

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import (apply_lifting, assemble_matrix, assemble_vector, create_matrix,
                               create_vector, set_bc)
from mpi4py import MPI
from petsc4py import PETSc

JIT = "forms (JIT, cached after the first run)"


def peak_memory():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return 1024.0 * float(line.split()[1])
    return 0.0


class Phases:
    """Wall time per phase, every rank waiting for the others at each lap."""

    def __init__(self, comm):
        self.comm, self.times = comm, {}
        self.start = self.clock = time.perf_counter()

    def lap(self, name):
        self.comm.Barrier()
        now = time.perf_counter()
        self.times[name] = now - self.clock
        self.clock = now


def solve_elasticity(domain, V, E, nu, make_bcs, phases, title):
    """Self weight (22 kN/m3) on the layered rock with Lame constants from E
    and nu (DG0 functions); make_bcs(V) gives the Dirichlet conditions. Times
    forms, setup, assembly, AMG setup and CG; prints the phases and a summary
    line and a JSON line on rank 0."""
    comm = domain.comm
    mu = E / (2 * (1 + nu))
    lmbda = E * nu / ((1 + nu) * (1 - 2 * nu))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)

    def eps(w):
        return ufl.sym(ufl.grad(w))

    a = ufl.inner(2 * mu * eps(u) + lmbda * ufl.tr(eps(u)) * ufl.Identity(3), eps(v)) * ufl.dx
    L = ufl.dot(fem.Constant(domain, PETSc.ScalarType((0.0, 0.0, -22e3))), v) * ufl.dx
    a_form, L_form = fem.form(a), fem.form(L)
    phases.lap(JIT)

    bcs = make_bcs(V)
    A = create_matrix(a_form)
    b = create_vector(L_form)
    phases.lap("setup")

    assemble_matrix(A, a_form, bcs=bcs)
    A.assemble()
    assemble_vector(b, L_form)
    apply_lifting(b, [a_form], [bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    set_bc(b, bcs)
    phases.lap("assembly")

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
    phases.lap("amg_setup")

    x = A.createVecRight()
    ksp.solve(b, x)
    phases.lap("cg")

    r = b.duplicate()
    A.mult(x, r)
    r.axpy(-1.0, b)
    relative = r.norm() / b.norm()
    # The largest displacement, to compare with roofspan's.
    local = x.getArray().reshape(-1, 3)
    largest = comm.allreduce(float(np.max(np.linalg.norm(local, axis=1))) if local.size else 0.0, op=MPI.MAX)
    total = time.perf_counter() - phases.start - phases.times[JIT]
    memory = comm.allreduce(peak_memory(), op=MPI.SUM)
    if comm.rank == 0:
        n_dofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
        for k, t in phases.times.items():
            print(f"  {k}: {t:.2f} s")
        print(f"FEniCSx 0.5 {title}: {n_dofs} DoFs, {ksp.getIterationNumber()} CG iterations, "
              f"true relative residual {relative:.2e}, max |u| {largest:.6e} m, total without JIT {total:.2f} s, "
              f"memory {memory / 1e9:.2f} GB (sum of ranks)")
        print(json.dumps({"dofs": n_dofs, "iterations": ksp.getIterationNumber(), "times": phases.times,
                          "total_without_jit": total, "peak_rss_sum": memory, "max_displacement": largest}))
