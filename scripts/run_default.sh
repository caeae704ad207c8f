#!/usr/bin/env bash
# Quick start 1: install dependencies, build, and run the main job on the
# default case: the bolting-pattern design of the 4.5 m room
# (cases/room_4.5m.design.toml over cases/room_4.5m.prm, 2 MPI ranks per run),
# printing the required pattern and the production estimate for 2.6 and
# 3.1 Mt/yr dry. Results: output/design_room_4.5m/ (report.md, figures, runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
/usr/bin/python3 postprocess/design.py cases/room_4.5m.design.toml \
  --ranks "${ROOFSPAN_RANKS:-2}" --out output/design_room_4.5m
/usr/bin/python3 postprocess/summary_report.py output/design_room_4.5m/runs/chosen/summary.json
