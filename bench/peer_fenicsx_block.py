#!/usr/bin/env python3
"""The peer-comparison block solved with FEniCSx 0.5 (Debian 12's
python3-dolfinx), the way solver-notes.md describes the fastest peer: Q1
hexahedra, AIJ matrix with block size 3, CG on the true residual to 1e-8,
BoomerAMG with the tuned options (peer_fenicsx_common.py). Its phases are
timed like roofspan's, so that both can be run in the same hour on the same
machine (these virtual machines change speed from hour to hour):

    mpirun -np 2 /usr/bin/python3 bench/peer_fenicsx_block.py [--cells 126 42 84]

Prints one line per phase and a JSON line. Not a test, never committed
output: a reference to read next to bench/run_bench.py."""
import argparse

import numpy as np
from dolfinx import fem, mesh
from mpi4py import MPI
from petsc4py import PETSc

from peer_fenicsx_common import Phases, solve_elasticity


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, nargs=3, default=[126, 42, 84])
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    phases = Phases(comm)

    # Same block as bench/block.prm: 9 x 3 x 6 m, layers 0-2, 2-4, 4-6 m.
    domain = mesh.create_box(comm, [np.array([0.0, 0.0, 0.0]), np.array([9.0, 3.0, 6.0])],
                             args.cells, mesh.CellType.hexahedron)
    phases.lap("mesh")

    V = fem.VectorFunctionSpace(domain, ("Lagrange", 1))
    Q = fem.FunctionSpace(domain, ("DG", 0))
    E, nu = fem.Function(Q), fem.Function(Q)
    E.interpolate(lambda x: np.where(x[2] < 2, 0.5e9, np.where(x[2] < 4, 3e9, 10e9)))
    nu.interpolate(lambda x: np.where(x[2] < 2, 0.35, np.where(x[2] < 4, 0.28, 0.22)))

    def make_bcs(V):
        fdim = 2
        bottom = mesh.locate_entities_boundary(domain, fdim, lambda x: np.isclose(x[2], 0.0))
        x_sides = mesh.locate_entities_boundary(domain, fdim,
                                                lambda x: np.isclose(x[0], 0.0) | np.isclose(x[0], 9.0))
        y_sides = mesh.locate_entities_boundary(domain, fdim,
                                                lambda x: np.isclose(x[1], 0.0) | np.isclose(x[1], 3.0))
        zero = PETSc.ScalarType(0.0)
        return [fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType),
                                fem.locate_dofs_topological(V, fdim, bottom), V),
                fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(0), fdim, x_sides), V.sub(0)),
                fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(1), fdim, y_sides), V.sub(1))]

    solve_elasticity(domain, V, E, nu, make_bcs, phases, "block")


main()
