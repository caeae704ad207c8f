#include <roofspan/core/input_error.h>
#include <roofspan/core/parameter_file_check.h>
#include <roofspan/materials/material_library.h>
#include <roofspan/materials/rock_model_registry.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace roofspan
{
  namespace fs = std::filesystem;
  using dealii::ParameterHandler;
  using dealii::Patterns::Anything;
  using dealii::Patterns::Double;

  void MaterialLibrary::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Materials");
    prm.declare_entry("Library directories",
                      "../materials",
                      Anything(),
                      "Comma-separated directories holding rock-unit files "
                      "(*.prm, one unit each). Relative paths are taken "
                      "relative to the case file's directory.");
    prm.declare_entry("Elastic rock",
                      "false",
                      dealii::Patterns::Bool(),
                      "true: every rock unit answers linear elastically, whatever "
                      "its library model (an elastic check of a case, or a 3D "
                      "case kept CI-sized). Bedding contacts (Stratigraphy/"
                      "Contacts) keep their own law. No factor of safety then, "
                      "unless the case has contacts: only their strength (and the "
                      "bolts' bond) is reduced.");
    prm.leave_subsection();
  }

  void MaterialLibrary::declare_unit_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Rock unit");
    prm.declare_entry("Name", "", Anything(), "Name cases use for this unit.");
    prm.declare_entry("Source",
                      "",
                      Anything(),
                      "Where the values come from; mark values chosen inside "
                      "a literature range as 'assumption'.");
    prm.declare_entry("Unit weight", "-1", Double(), "Unit weight [N/m^3].");
    prm.declare_entry("Young's modulus", "-1", Double(), "Rock-mass Young's modulus [Pa].");
    prm.declare_entry("Poisson's ratio", "-1", Double(), "Poisson's ratio [-].");
    // The rock models' own parameters (each in its own subsection).
    RockModelRegistry::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Bolt product");
    prm.declare_entry("Name", "", Anything(), "Name cases use for this bolt product.");
    prm.declare_entry("Source",
                      "",
                      Anything(),
                      "Where the values come from; mark chosen values as 'assumption'.");
    prm.declare_entry("Type",
                      "fully grouted",
                      dealii::Patterns::Selection("fully grouted|end anchored"),
                      "'fully grouted': bonded to the rock along its whole length. "
                      "'end anchored': mechanical or resin point anchor, bonded "
                      "only over the anchor length at its far end, bearing on a "
                      "plate at the collar, pretensioned at installation.");
    prm.declare_entry("Diameter", "-1", Double(), "Bar diameter [m].");
    prm.declare_entry("Steel area",
                      "0",
                      Double(),
                      "Steel cross-section [m^2]; 0 = from the diameter.");
    prm.declare_entry("Young's modulus", "200e9", Double(), "Steel Young's modulus [Pa].");
    prm.declare_entry("Yield force", "-1", Double(), "Axial force at yield [N].");
    prm.declare_entry("Ultimate force", "-1", Double(), "Axial force at rupture [N].");
    prm.declare_entry("Ultimate strain",
                      "0.1",
                      Double(),
                      "Total axial strain at which the bar is reported ruptured [-].");
    prm.declare_entry("Bond stiffness",
                      "-1",
                      Double(),
                      "Shear stiffness of the grout/rock bond per unit length "
                      "of bolt [N/m/m]: resin annulus in series with the rock.");
    prm.declare_entry("Bond strength",
                      "-1",
                      Double(),
                      "Shear strength of the bond per unit length of bolt [N/m] "
                      "(pull-out load / bonded length).");
    prm.declare_entry("Anchor length",
                      "0",
                      Double(),
                      "End-anchored bolts: bonded length at the far end [m].");
    prm.declare_entry("Plate stiffness",
                      "0",
                      Double(),
                      "Stiffness of the bearing plate against the roof [N/m]; "
                      "0 = no plate (end-anchored bolts need one).");
    prm.leave_subsection();
  }

  void MaterialLibrary::parse_parameters(ParameterHandler &prm, const std::string &case_file)
  {
    prm.enter_subsection("Materials");
    const std::string list = prm.get("Library directories");
    elastic_rock           = prm.get_bool("Elastic rock");
    prm.leave_subsection();

    const fs::path base = fs::path(case_file).parent_path();
    for (const std::string &entry : dealii::Utilities::split_string_list(list))
      {
        fs::path dir(entry);
        if (dir.is_relative())
          dir = base / dir;
        require(fs::is_directory(dir),
                case_file,
                "Materials/Library directories",
                "directory '" + dir.string() + "' does not exist");
        std::vector<fs::path> files;
        for (const auto &f : fs::directory_iterator(dir))
          if (f.path().extension() == ".prm")
            files.push_back(f.path());
        std::sort(files.begin(), files.end());
        for (const auto &f : files)
          load_file(f.string());
      }
    require(!units.empty(),
            case_file,
            "Materials/Library directories",
            "no rock-unit files (*.prm) found in '" + list + "'");
  }

  void MaterialLibrary::load_file(const std::string &file)
  {
    ParameterHandler prm;
    declare_unit_parameters(prm);
    check_parameter_file(file);
    try
      {
        prm.parse_input(file, "", false, true);
      }
    catch (const std::exception &e)
      {
        throw InputError(file, "", "cannot parse: " + library_message(e));
      }
    check_numeric_values(prm, file);

    prm.enter_subsection("Bolt product");
    const bool is_bolt = !prm.get("Name").empty();
    prm.leave_subsection();
    prm.enter_subsection("Rock unit");
    const bool is_rock = !prm.get("Name").empty();
    prm.leave_subsection();
    require(is_bolt != is_rock,
            file,
            "Rock unit/Name",
            "a library file describes exactly one rock unit or one bolt product "
            "(set 'Name' in one of the subsections)");
    if (is_bolt)
      add_bolt_product(prm, file);
    else
      add_rock_unit(prm, file);
  }

  void MaterialLibrary::add_bolt_product(ParameterHandler &prm, const std::string &file)
  {
    prm.enter_subsection("Bolt product");
    BoltProduct b;
    b.file            = file;
    b.name            = prm.get("Name");
    b.source          = prm.get("Source");
    b.type            = prm.get("Type") == "fully grouted" ? BoltProduct::Type::fully_grouted :
                                                             BoltProduct::Type::end_anchored;
    b.diameter        = prm.get_double("Diameter");
    b.area            = prm.get_double("Steel area");
    b.youngs_modulus  = prm.get_double("Young's modulus");
    b.yield_force     = prm.get_double("Yield force");
    b.ultimate_force  = prm.get_double("Ultimate force");
    b.ultimate_strain = prm.get_double("Ultimate strain");
    b.bond_stiffness  = prm.get_double("Bond stiffness");
    b.bond_strength   = prm.get_double("Bond strength");
    b.anchor_length   = prm.get_double("Anchor length");
    b.plate_stiffness = prm.get_double("Plate stiffness");
    prm.leave_subsection();

    const auto p        = [](const std::string &key) { return "Bolt product/" + key; };
    const auto positive = [&](const double value, const std::string &key, const std::string &unit) {
      require(value > 0,
              file,
              p(key),
              "expected a value > 0 " + unit + ", got " + format_number(value));
    };
    require(bolt_products.count(b.name) == 0 && units.count(b.name) == 0,
            file,
            p("Name"),
            "'" + b.name + "' is already defined in the library");
    require(!b.source.empty(),
            file,
            p("Source"),
            "give the source of the values or mark them as an assumption");
    positive(b.diameter, "Diameter", "m");
    require(b.diameter < 0.1,
            file,
            p("Diameter"),
            "expected a bar diameter in metres (< 0.1 m), got " + format_number(b.diameter));
    require(b.area >= 0, file, p("Steel area"), "expected >= 0, got " + format_number(b.area));
    if (b.area == 0)
      b.area = M_PI / 4 * b.diameter * b.diameter;
    positive(b.youngs_modulus, "Young's modulus", "Pa");
    positive(b.yield_force, "Yield force", "N");
    require(b.ultimate_force >= b.yield_force,
            file,
            p("Ultimate force"),
            "expected ultimate force >= yield force (" + format_number(b.yield_force) +
                " N), got " + format_number(b.ultimate_force));
    require(b.ultimate_strain > b.yield_force / b.axial_stiffness(),
            file,
            p("Ultimate strain"),
            "expected an ultimate strain above the yield strain " +
                format_number(b.yield_force / b.axial_stiffness()) + ", got " +
                format_number(b.ultimate_strain));
    positive(b.bond_stiffness, "Bond stiffness", "N/m/m");
    positive(b.bond_strength, "Bond strength", "N/m");
    require(b.plate_stiffness >= 0,
            file,
            p("Plate stiffness"),
            "expected >= 0, got " + format_number(b.plate_stiffness));
    if (b.type == BoltProduct::Type::end_anchored)
      {
        positive(b.anchor_length, "Anchor length", "m (end-anchored bolts bond only there)");
        positive(b.plate_stiffness, "Plate stiffness", "N/m (end-anchored bolts bear on a plate)");
      }
    else
      require(b.anchor_length == 0,
              file,
              p("Anchor length"),
              "only end-anchored bolts have an anchor length; a fully grouted "
              "bolt is bonded along its whole length");
    bolt_products.emplace(b.name, b);
  }

  void MaterialLibrary::add_rock_unit(ParameterHandler &prm, const std::string &file)
  {
    prm.enter_subsection("Rock unit");
    RockUnit u;
    u.file           = file;
    u.name           = prm.get("Name");
    u.source         = prm.get("Source");
    u.model          = prm.get("Constitutive model");
    u.unit_weight    = prm.get_double("Unit weight");
    u.youngs_modulus = prm.get_double("Young's modulus");
    u.poissons_ratio = prm.get_double("Poisson's ratio");

    const auto p = [](const std::string &key) { return "Rock unit/" + key; };
    require(!u.name.empty(), file, p("Name"), "a unit needs a name");
    require(units.count(u.name) == 0,
            file,
            p("Name"),
            "unit '" + u.name + "' is already defined in " +
                (units.count(u.name) ? units.at(u.name).file : ""));
    require(!u.source.empty(),
            file,
            p("Source"),
            "give the source of the values or mark them as an assumption");
    require(u.unit_weight >= 0 && u.unit_weight < 1e5,
            file,
            p("Unit weight"),
            "expected 0 <= unit weight < 1e5 N/m^3, got " + format_number(u.unit_weight));
    // The model's own parameters; a model may derive the unit's elastic
    // constants (a contact's from its stiffnesses).
    u.make_model = RockModelRegistry::parse(prm, u);
    prm.leave_subsection();
    require(u.poissons_ratio > -1 && u.poissons_ratio < 0.5,
            file,
            p("Poisson's ratio"),
            "expected -1 < nu < 0.5, got " + format_number(u.poissons_ratio));
    require(u.youngs_modulus > 0,
            file,
            p("Young's modulus"),
            "expected E > 0 Pa, got " + format_number(u.youngs_modulus));
    units.emplace(u.name, u);
  }

  namespace
  {
    /// The entry called `name`, or an InputError listing the known ones.
    template <typename Entry>
    const Entry &find_named(const std::map<std::string, Entry> &entries,
                            const std::string                  &name,
                            const std::string                  &what,
                            const std::string                  &file,
                            const std::string                  &parameter)
    {
      const auto it = entries.find(name);
      if (it != entries.end())
        return it->second;
      std::string known;
      for (const auto &entry : entries)
        known += (known.empty() ? "" : ", ") + ("'" + entry.first + "'");
      throw InputError(file,
                       parameter,
                       "unknown " + what + " '" + name + "'; the library has " +
                           (known.empty() ? std::string("none") : known));
    }
  } // namespace

  const RockUnit &MaterialLibrary::unit(const std::string &name,
                                        const std::string &file,
                                        const std::string &parameter) const
  {
    return find_named(units, name, "material", file, parameter);
  }

  const BoltProduct &MaterialLibrary::bolt_product(const std::string &name,
                                                   const std::string &file,
                                                   const std::string &parameter) const
  {
    return find_named(bolt_products, name, "bolt product", file, parameter);
  }

  std::vector<std::string> MaterialLibrary::unit_names() const
  {
    std::vector<std::string> names;
    for (const auto &[n, u] : units)
      names.push_back(n);
    return names;
  }
} // namespace roofspan
