#include <roofspan/core/input_error.h>
#include <roofspan/loads/in_situ_stress.h>

#include <deal.II/base/parameter_handler.h>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void InSituStress<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("In-situ stress");
    prm.declare_entry("Model",
                      "overburden",
                      Patterns::Selection("overburden|uniform|none"),
                      "'overburden': vertical stress from the weight of the "
                      "rock above (needs gravity; in equilibrium with it). "
                      "'uniform': the same stress everywhere (far-field "
                      "verification problems). 'none': a stress-free start, "
                      "e.g. a block loaded by its own weight.");
    prm.declare_entry("Vertical stress",
                      "0",
                      Patterns::Double(),
                      "Vertical stress of model 'uniform' [Pa], tension "
                      "positive (compression negative).");
    prm.declare_entry("K0 in plane",
                      "1",
                      Patterns::Double(0, 10),
                      "Horizontal / vertical stress across the opening (x).");
    prm.declare_entry("K0 out of plane",
                      "1",
                      Patterns::Double(0, 10),
                      "Horizontal / vertical stress along the opening "
                      "(out of plane in 2D, y in 3D).");
    prm.leave_subsection();
  }

  template <int dim>
  void InSituStress<dim>::parse_parameters(ParameterHandler   &prm,
                                           const std::string  &file,
                                           const Stratigraphy &strat,
                                           const bool          gravity)
  {
    stratigraphy = strat;
    prm.enter_subsection("In-situ stress");
    model            = prm.get("Model");
    uniform_vertical = prm.get_double("Vertical stress");
    k0_in_plane      = prm.get_double("K0 in plane");
    k0_out_of_plane  = prm.get_double("K0 out of plane");
    prm.leave_subsection();
    require(model != "overburden" || gravity,
            file,
            "In-situ stress/Model",
            "an overburden stress field needs 'Loads/Gravity = true' to be "
            "in equilibrium");
    require(model != "overburden" || !stratigraphy.layers().empty(),
            file,
            "In-situ stress/Model",
            "an overburden stress field needs the Stratigraphy layers");
  }

  template <int dim>
  SymmetricTensor<2, 3> InSituStress<dim>::stress(const Point<dim> &p) const
  {
    SymmetricTensor<2, 3> s;
    if (model == "none")
      return s;
    const double sv =
        model == "uniform" ? uniform_vertical : stratigraphy.vertical_stress(p[dim - 1]);
    s[dim - 1][dim - 1]                                 = sv;
    s[0][0]                                             = k0_in_plane * sv;
    s[out_of_plane_index<dim>][out_of_plane_index<dim>] = k0_out_of_plane * sv;
    return s;
  }

  template class InSituStress<2>;
  template class InSituStress<3>;
} // namespace roofspan
