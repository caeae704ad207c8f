#!/usr/bin/env bash
# Formats every C++ file with clang-format 14 and the project's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format)
git ls-files --cached --others --exclude-standard '*.cc' '*.h' | xargs "$cf" -i
