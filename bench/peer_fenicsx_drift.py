#!/usr/bin/env python3
"""The peer-comparison drift (bench/drift.geo, issue 16) solved with FEniCSx
0.5 (Debian 12's python3-dolfinx): the same Gmsh hexahedral mesh, read on
rank 0 and distributed by dolfinx.io.gmshio; Q1 or Q2; AIJ matrix with block
size 3; CG on the true residual to 1e-8; BoomerAMG tuned as for the block
peer (HMIS, ext+i, P_max 4, strong threshold 0.5, one level of aggressive
coarsening, Chebyshev; peer_fenicsx_common.py). Phases are timed like
roofspan's:

    mpirun -np 2 /usr/bin/python3 bench/peer_fenicsx_drift.py drift.msh [--degree 2]

Prints one line per phase and a JSON line. A reference to read next to
bench/run_bench.py --only drift-q1 / drift-q2 --peer, which alternates the two."""
import argparse

import gmsh
import numpy as np
from dolfinx import fem
from dolfinx.io import gmshio
from mpi4py import MPI
from petsc4py import PETSc

from peer_fenicsx_common import Phases, solve_elasticity

# Units of the drift's layers (bench/materials): E [Pa], nu.
UNITS = {"sandstone_floor": (10e9, 0.22), "clay": (0.5e9, 0.35), "breccia": (3e9, 0.28),
         "sandstone_roof": (10e9, 0.22)}


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
    phases = Phases(comm)

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
    phases.lap("mesh")

    V = fem.VectorFunctionSpace(domain, ("Lagrange", args.degree))
    Q = fem.FunctionSpace(domain, ("DG", 0))
    E, nu = fem.Function(Q), fem.Function(Q)
    for name, (young, poisson) in UNITS.items():
        cells = cell_tags.find(names[name])
        E.x.array[cells] = young
        nu.x.array[cells] = poisson

    def make_bcs(V):
        fdim = 2

        def facets(*groups):
            return np.concatenate([facet_tags.find(names[g]) for g in groups])

        zero = PETSc.ScalarType(0.0)
        return [fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType),
                                fem.locate_dofs_topological(V, fdim, facets("bottom")), V),
                fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(0), fdim, facets("x_min", "x_max")),
                                V.sub(0)),
                fem.dirichletbc(zero, fem.locate_dofs_topological(V.sub(1), fdim, facets("y_min", "y_max")),
                                V.sub(1))]

    solve_elasticity(domain, V, E, nu, make_bcs, phases, f"drift Q{args.degree}")


main()
