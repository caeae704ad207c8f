#pragma once

#include <roofspan/materials/bolt_product.h>
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
   * The library of named rock units and bolt products: every `*.prm` file in
   * the library directories describes one rock unit (`subsection Rock unit`)
   * or one bolt product (`subsection Bolt product`). Cases refer to both by
   * name. Every value is validated on load; a bad file is an
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

    /// The bolt product called `name`; InputError as for unit().
    const BoltProduct &bolt_product(const std::string &name,
                                    const std::string &file,
                                    const std::string &parameter) const;

    /// Declares both kinds of library file (for reading and for the docs).
    static void declare_unit_parameters(dealii::ParameterHandler &prm);

    /// 'Materials/Elastic rock': every unit linear elastic in this case.
    bool elastic_rock = false;

  private:
    void add_rock_unit(dealii::ParameterHandler &prm, const std::string &file);
    void add_bolt_product(dealii::ParameterHandler &prm, const std::string &file);

    std::map<std::string, RockUnit>    units;
    std::map<std::string, BoltProduct> bolt_products;
  };
} // namespace roofspan
