#pragma once

#include <string>

namespace roofspan
{
  /**
   * Checks a deal.II parameter file for what ParameterHandler accepts
   * silently: a key set twice in one subsection (the last would win). Throws
   * InputError naming the file, the key's full path and both line numbers.
   * Reads `subsection`, `end`, `set` and continuation lines (`\` at the end);
   * comments (`#`) are ignored.
   */
  void check_parameter_file(const std::string &file);
} // namespace roofspan
