#pragma once

#include <stdexcept>
#include <string>

namespace roofspan
{
  /// Exit code for bad input: the command line, a parameter file, a material
  /// file or a mesh file asked for something roofspan cannot do.
  constexpr int input_error_exit_code = 2;

  /**
   * Bad input, reported the way a user can act on it: which file, which
   * parameter, what was found and what was expected. Thrown before any output
   * is written, so an earlier good result is never touched.
   */
  class InputError : public std::runtime_error
  {
  public:
    InputError(const std::string &file, const std::string &parameter, const std::string &problem);

    const std::string file;
    const std::string parameter;
  };

  /// The part of a library's exception a user needs: deal.II's exceptions
  /// carry a preamble (file, line, condition) and a stack trace around
  /// their "Additional information"; this returns that information on one
  /// line (or the whole text, whitespace collapsed, for other exceptions).
  std::string library_message(const std::exception &e);

  /// For a parameter roofspan no longer declares: what replaced it (a
  /// sentence to append to "no such parameter"); empty for other names.
  std::string retired_parameter(const std::string &name);

  /// A number as a person writes it in a message: 4.5, 0.5, 2e+09.
  std::string format_number(double value);

  /// Numbers larger than this in magnitude are outside anything roofspan
  /// models (steel's Young's modulus is 2e11 Pa; a "rigid" host for
  /// verification 2e14): refused at input, before they overflow in the
  /// analysis.
  constexpr double largest_input_magnitude = 1e16;

  /// The number `text` spells (all of it: "3m" is refused), finite and at
  /// most `largest` in magnitude; otherwise InputError naming the file, the
  /// parameter and the text.
  double parse_number(const std::string &text,
                      const std::string &file,
                      const std::string &parameter,
                      double             largest = largest_input_magnitude);

  /// Throws InputError(file, parameter, problem) unless condition holds.
  void require(bool               condition,
               const std::string &file,
               const std::string &parameter,
               const std::string &problem);
} // namespace roofspan
