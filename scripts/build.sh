#!/usr/bin/env bash
# Configures and builds roofspan in ./build (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${ROOFSPAN_JOBS:-$(nproc)}
cmake -S . -B build -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release} >/dev/null
cmake --build build -j "$jobs"
