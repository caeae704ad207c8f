#pragma once

#include <roofspan/materials/constitutive_model.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  struct RockUnit;

  /// Makes a parsed rock model for a model of dimension `dim` (the vertical
  /// axis is the last one; directions such as a bedding dip depend on it).
  using RockModelMaker = std::function<std::unique_ptr<ConstitutiveModel>(unsigned int dim)>;

  /**
   * The rock models a library file can name in `Rock unit/Constitutive
   * model`. Each model registers itself from its own source file (see
   * ROOFSPAN_REGISTER_ROCK_MODEL) with a name, a help text, a function that
   * declares its own subsection(s) inside `Rock unit`, and a function that
   * parses and checks them (InputError naming the file and the parameter)
   * and returns the maker. A new rock model is a new file plus its
   * registration: nothing here or in the library lists the models.
   */
  class RockModelRegistry
  {
  public:
    struct Entry
    {
      std::string name;
      std::string help;
      /// Declares the model's own parameters; the handler is inside `Rock unit`.
      std::function<void(dealii::ParameterHandler &)> declare;
      /// Parses and checks them (the handler inside `Rock unit`). May set the
      /// unit's elastic constants (a model that derives its modulus); reads
      /// `unit.file` for error messages.
      std::function<RockModelMaker(dealii::ParameterHandler &, RockUnit &unit)> parse;
    };

    /// Adds a model; returns true (for static registration). A second model of
    /// the same name is a programming error (std::logic_error).
    static bool add(Entry entry);

    /// Declares `Constitutive model` (a selection of every registered name,
    /// with each model's help) and every model's own parameters. The handler
    /// is inside `Rock unit`.
    static void declare_parameters(dealii::ParameterHandler &prm);

    /// Parses the parameters of the model `unit.model` (the handler inside
    /// `Rock unit`).
    static RockModelMaker parse(dealii::ParameterHandler &prm, RockUnit &unit);

    /// Registered names, sorted.
    static std::vector<std::string> names();
  };
} // namespace roofspan

/// Registers a rock model from its own source file: `Entry` is a
/// RockModelRegistry::Entry expression.
#define ROOFSPAN_REGISTER_ROCK_MODEL(tag, entry)              \
  namespace                                                   \
  {                                                           \
    [[maybe_unused]] const bool rock_model_registered_##tag = \
        roofspan::RockModelRegistry::add(entry);              \
  }
