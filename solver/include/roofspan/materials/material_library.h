#pragma once

#include <roofspan/materials/rock_unit.h>

#include <map>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * The library of named rock units: every `*.prm` file in the library
   * directories describes one unit in a `subsection Rock unit`. Cases refer
   * to units by name. Every value is validated on load; a bad file is an
   * InputError naming the file and the parameter.
   */
  class MaterialLibrary
  {
  public:
    /// Declares the `Materials` subsection of a case file.
    static void declare_parameters(dealii::ParameterHandler &prm);

    /// Reads the library named in a parsed case file. Relative directories
    /// are taken relative to the case file's directory.
    void parse_parameters(dealii::ParameterHandler &prm, const std::string &case_file);

    /// Loads one unit file (also used to check files on their own).
    void load_file(const std::string &file);

    /// The unit called `name`; InputError (naming `file` and `parameter`,
    /// and listing the known units) if there is none.
    const RockUnit &
    unit(const std::string &name, const std::string &file, const std::string &parameter) const;

    std::vector<std::string> unit_names() const;

    /// Writes the reference documentation of a unit file.
    static void declare_unit_parameters(dealii::ParameterHandler &prm);

  private:
    std::map<std::string, RockUnit> units;
  };
} // namespace roofspan
