#!/usr/bin/env bash
# mpirun wrapper for containers and CI, where jobs often run as root and the
# machine may have fewer cores than ranks. Usage: scripts/mpirun.sh N cmd...
set -euo pipefail
n=$1; shift
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# No network fabric in containers: keep Open MPI to shared memory.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
exec mpirun --oversubscribe -np "$n" "$@"
