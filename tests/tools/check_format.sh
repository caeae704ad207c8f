#!/usr/bin/env bash
# Fails if any C++ file differs from clang-format 14 with the project's
# .clang-format. Fix with: scripts/format.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cf=$(command -v clang-format-14 || command -v clang-format)
"$cf" --version | grep -q "version 14" || { echo "need clang-format 14, found: $("$cf" --version)"; exit 1; }
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find solver tests bench -name '*.cc' -o -name '*.h')
"$cf" --dry-run -Werror $files
echo "PASSED clang-format ($(echo "$files" | wc -w) files)"
