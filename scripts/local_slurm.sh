#!/bin/bash
# Starts a one-node Slurm 22.05 (slurmctld + slurmd, munge) on this machine,
# as root, for testing the Slurm templates (tests/postprocess/check_slurm.py):
# a partition 'test' with this node's CPUs. Needs Debian's slurmctld, slurmd
# and munge (scripts/setup.sh installs them). Idempotent: running daemons are
# left alone. Not a cluster configuration: no accounting, no cgroups.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "local_slurm.sh: needs root (it writes /etc/slurm/slurm.conf and starts the daemons)" >&2
  exit 2
fi
host=$(hostname -s)
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
chown munge:munge /run/munge
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=roofspan-test
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for i in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE "^idle" && exit 0
  sleep 1
done
echo "slurm did not come up" >&2; sinfo >&2 || true; tail -5 /var/log/slurm/*.log >&2; exit 1
