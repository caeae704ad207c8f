#include <roofspan/core/input_error.h>
#include <roofspan/materials/rock_model_registry.h>
#include <roofspan/materials/rock_unit.h>

#include <deal.II/base/parameter_handler.h>

#include <map>
#include <stdexcept>

namespace roofspan
{
  namespace
  {
    /// Built on first use: registrations run during static initialisation,
    /// in an order the language does not fix.
    std::map<std::string, RockModelRegistry::Entry> &entries()
    {
      static std::map<std::string, RockModelRegistry::Entry> registered;
      return registered;
    }
  } // namespace

  bool RockModelRegistry::add(Entry entry)
  {
    const std::string name = entry.name;
    if (!entries().emplace(name, std::move(entry)).second)
      throw std::logic_error("rock model '" + name + "' is registered twice");
    return true;
  }

  void RockModelRegistry::declare_parameters(dealii::ParameterHandler &prm)
  {
    std::string selection, help;
    for (const auto &[name, entry] : entries())
      {
        selection += (selection.empty() ? "" : "|") + name;
        help += (help.empty() ? "" : " ") + ("'" + name + "': " + entry.help);
      }
    prm.declare_entry("Constitutive model",
                      "linear elastic",
                      dealii::Patterns::Selection(selection),
                      help);
    for (const auto &[name, entry] : entries())
      if (entry.declare)
        entry.declare(prm);
  }

  RockModelMaker RockModelRegistry::parse(dealii::ParameterHandler &prm, RockUnit &unit)
  {
    const auto it = entries().find(unit.model);
    if (it == entries().end())
      throw InputError(unit.file,
                       "Rock unit/Constitutive model",
                       "unknown model '" + unit.model + "'");
    return it->second.parse(prm, unit);
  }

  std::vector<std::string> RockModelRegistry::names()
  {
    std::vector<std::string> list;
    for (const auto &[name, entry] : entries())
      list.push_back(name);
    return list;
  }
} // namespace roofspan
