#!/usr/bin/env bash
# Quick start 1: install dependencies, build, and run the default design case
# (cases/room_4.5m.prm) on 2 MPI ranks. Results: output/room_4.5m/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/mpirun.sh "${ROOFSPAN_RANKS:-2}" build/solver/roofspan cases/room_4.5m.prm --output-dir output/room_4.5m
/usr/bin/python3 postprocess/summary_report.py output/room_4.5m/summary.json
