#pragma once

#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * Checks a deal.II parameter file, and the files it includes, for what
   * ParameterHandler accepts silently or cannot survive: a key set twice in
   * one subsection of one file (the last would win; both lines named; a set
   * after an `include` may override the included file's value); a file that is not
   * a regular file (a FIFO would block the read forever, /dev/zero would be
   * read as empty), larger than 16 MiB or binary; files that include each
   * other (ParameterHandler would recurse until the stack overflows). Throws
   * InputError naming the file (and the line that includes it). Reads
   * `subsection`, `end`, `set`, `include` (in either case, as deal.II does)
   * and continuation lines (`\` at the end); comments (`#`) are ignored.
   */
  void check_parameter_file(const std::string &file);

  /**
   * Every floating-point parameter of a parsed file (pattern Double) is a
   * finite number of magnitude at most largest_input_magnitude (1e16):
   * ParameterHandler accepts 1e308, which overflows in the analysis and
   * ends as a solver failure far from its cause. Throws InputError naming
   * the file and the parameter's full path.
   */
  void check_numeric_values(const dealii::ParameterHandler &prm, const std::string &file);
} // namespace roofspan
