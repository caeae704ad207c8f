#include <roofspan/core/input_error.h>
#include <roofspan/loads/boundary_conditions.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/parsed_function.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/vector_tools.h>

#include <iostream>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  BoundaryConditions<dim>::BoundaryConditions() = default;
  template <int dim>
  BoundaryConditions<dim>::~BoundaryConditions() = default;

  template <int dim>
  void BoundaryConditions<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Boundary conditions");
    prm.declare_entry("Conditions",
                      "",
                      Patterns::Anything(),
                      "Comma-separated 'boundary: type' entries; type is one "
                      "of free, fixed, roller, symmetry, traction, in-situ "
                      "traction, displacement. Boundaries not listed are free.");
    prm.declare_entry("Tractions",
                      "",
                      Patterns::Anything(),
                      "For type 'traction': comma-separated 'boundary: tx ty "
                      "[tz]' entries [Pa].");
    prm.enter_subsection("Displacement function");
    Functions::ParsedFunction<dim>::declare_parameters(prm, dim);
    prm.leave_subsection();
    prm.leave_subsection();
  }

  template <int dim>
  void BoundaryConditions<dim>::parse_parameters(
      ParameterHandler                                &prm,
      const std::string                               &file,
      const std::map<types::boundary_id, std::string> &boundary_names)
  {
    names = boundary_names;
    std::map<std::string, types::boundary_id> id_of;
    std::string                               known;
    for (const auto &[id, name] : names)
      {
        id_of[name] = id;
        known += (known.empty() ? "" : ", ") + name;
      }
    const auto lookup = [&](const std::string &name, const std::string &parameter) {
      require(id_of.count(name) == 1,
              file,
              parameter,
              "unknown boundary '" + name + "'; this model has: " + known);
      return id_of[name];
    };

    prm.enter_subsection("Boundary conditions");
    const std::string p = "Boundary conditions/Conditions";
    for (const auto &entry : Utilities::split_string_list(prm.get("Conditions"), ','))
      {
        const auto parts = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2, file, p, "expected 'boundary: type', got '" + entry + "'");
        const std::set<std::string> types = {
            "free", "fixed", "roller", "symmetry", "traction", "in-situ traction", "displacement"};
        require(types.count(parts[1]) == 1,
                file,
                p,
                "unknown type '" + parts[1] +
                    "'; expected free, fixed, roller, symmetry, traction, "
                    "in-situ traction or displacement");
        kind[lookup(parts[0], p)] = parts[1] == "symmetry" ? "roller" : parts[1];
      }
    const std::string pt = "Boundary conditions/Tractions";
    for (const auto &entry : Utilities::split_string_list(prm.get("Tractions"), ','))
      {
        const auto parts = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2,
                file,
                pt,
                "expected 'boundary: tx ty [tz]', got '" + entry + "'");
        const auto values = Utilities::split_string_list(parts[1], ' ');
        require(values.size() == dim,
                file,
                pt,
                "expected " + std::to_string(dim) + " traction components for '" + parts[0] + "'");
        Tensor<1, dim> t;
        for (unsigned int d = 0; d < dim; ++d)
          t[d] = parse_number(values[d], file, pt + " ('" + parts[0] + "')");
        const auto id = lookup(parts[0], pt);
        require(kind.count(id) && kind[id] == "traction",
                file,
                pt,
                "boundary '" + parts[0] + "' has a traction value but not type 'traction'");
        tractions[id] = t;
      }
    for (const auto &[id, k] : kind)
      require(k != "traction" || tractions.count(id),
              file,
              pt,
              "boundary '" + names[id] + "' has type 'traction' but no value");

    prm.enter_subsection("Displacement function");
    displacement = std::make_unique<Functions::ParsedFunction<dim>>(dim);
    // deal.II prints muparser's diagnosis to std::cerr before it throws;
    // the input error below carries it in one line instead.
    std::ostringstream muparser_diagnosis;
    std::streambuf    *cerr_buffer = std::cerr.rdbuf(muparser_diagnosis.rdbuf());
    try
      {
        displacement->parse_parameters(prm);
        // muparser compiles an expression when it is first evaluated: do it
        // now, so that a syntax error is an input error, not a failure in
        // the middle of the run.
        Vector<double> value(dim);
        displacement->vector_value(Point<dim>(), value);
      }
    catch (const std::exception &e)
      {
        std::cerr.rdbuf(cerr_buffer);
        throw InputError(file,
                         "Boundary conditions/Displacement function/Function expression",
                         "expected " + std::to_string(dim) + " expressions in x, y" +
                             (dim == 3 ? ", z" : "") +
                             " and t separated by ';': " + library_message(e));
      }
    std::cerr.rdbuf(cerr_buffer);
    prm.leave_subsection();
    prm.leave_subsection();
  }

  template <int dim>
  void BoundaryConditions<dim>::apply(const DoFHandler<dim, dim> &dof_handler,
                                      const Mapping<dim, dim>    &mapping,
                                      AffineConstraints<double>  &constraints) const
  {
    // Rollers first: corners shared with prescribed boundaries then keep a
    // consistent normal constraint, and the value constraints fill the rest.
    std::set<types::boundary_id> rollers;
    for (const auto &[id, k] : kind)
      if (k == "roller")
        rollers.insert(id);
    if (!rollers.empty())
      VectorTools::compute_no_normal_flux_constraints(
          dof_handler, 0, rollers, constraints, mapping);

    for (const auto &[id, k] : kind)
      if (k == "fixed" || k == "displacement")
        {
          std::map<types::global_dof_index, double> values;
          if (k == "fixed")
            VectorTools::interpolate_boundary_values(
                mapping, dof_handler, id, Functions::ZeroFunction<dim>(dim), values);
          else
            VectorTools::interpolate_boundary_values(
                mapping, dof_handler, id, *displacement, values);
          for (const auto &[dof, value] : values)
            if (constraints.can_store_line(dof) && !constraints.is_constrained(dof))
              {
                constraints.add_line(dof);
                constraints.set_inhomogeneity(dof, value);
              }
        }
  }

  template <int dim>
  const Tensor<1, dim> *BoundaryConditions<dim>::traction(const types::boundary_id id) const
  {
    const auto it = tractions.find(id);
    return it == tractions.end() ? nullptr : &it->second;
  }

  template <int dim>
  bool BoundaryConditions<dim>::has_in_situ_traction(const types::boundary_id id) const
  {
    const auto it = kind.find(id);
    return it != kind.end() && it->second == "in-situ traction";
  }

  template <int dim>
  const Function<dim> &BoundaryConditions<dim>::displacement_function() const
  {
    return *displacement;
  }

  template <int dim>
  std::string BoundaryConditions<dim>::describe() const
  {
    std::string s;
    for (const auto &[id, name] : names)
      s += (s.empty() ? "" : ", ") + name + ": " + (kind.count(id) ? kind.at(id) : "free");
    return s;
  }

  template class BoundaryConditions<2>;
  template class BoundaryConditions<3>;
} // namespace roofspan
