#!/usr/bin/env bash
# Installs roofspan's build and test dependencies from Debian 12's archive.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

packages=(
  cmake g++ make ccache pkg-config
  libdeal.ii-dev          # deal.II 9.4 with PETSc, p4est, MPI, HDF5
  libhypre-dev            # hypre headers: the matrix is assembled in its ParCSR format
  # Optimised BLAS/LAPACK in place of the reference ones (Debian's
  # alternatives switch to it): MUMPS's dense kernels (dgemm, dtrsm) were
  # over half of a plastic 3D analysis; one factorisation of the 3D
  # intersection (120k DoFs, 2 ranks) took 36.6 s, with OpenBLAS 7.8 s.
  # The serial build: MPI ranks already occupy the cores.
  libopenblas0-serial
  openmpi-bin libopenmpi-dev
  nlohmann-json3-dev      # summary.json
  numdiff                 # tolerance-based comparison of blessed results
  gmsh                    # .geo -> .msh
  python3                 # test drivers (standard library only)
  python3-numpy python3-matplotlib   # postprocess/: production model, charts
  python3-scipy           # closed-form references that need quadrature or ODEs (tests/verification)
  # ParaView 5.11 with its Python (pvpython, postprocess/paraview/) and its
  # own VTK, which postprocess/render_section.py and the output tests use.
  # Not python3-vtk9: it conflicts with python3-paraview (apt removes it).
  python3-paraview
  xvfb xauth              # xvfb-run: VTK renders through X, even off screen
  slurmctld slurmd munge  # a one-node Slurm for testing the Slurm templates (scripts/local_slurm.sh)
  clang-format-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "roofspan setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "roofspan setup: all packages present"
fi
