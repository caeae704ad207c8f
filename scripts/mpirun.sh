#!/usr/bin/env bash
# mpirun wrapper for containers and CI, where jobs often run as root and the
# machine may have fewer cores than ranks. Usage: scripts/mpirun.sh N cmd...
set -euo pipefail
n=$1; shift
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# One machine without a network fabric (containers, CI): shared memory only.
# Inside a Slurm allocation over several nodes Open MPI needs its network
# transports, so the restriction is left out there (ROOFSPAN_MPI_BTL
# overrides either choice).
if [[ -n ${ROOFSPAN_MPI_BTL:-} ]]; then
  export OMPI_MCA_btl=$ROOFSPAN_MPI_BTL
elif [[ ${SLURM_JOB_NUM_NODES:-1} -le 1 ]]; then
  export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
fi
exec mpirun --oversubscribe -np "$n" "$@"
