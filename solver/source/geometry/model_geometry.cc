#include <roofspan/core/input_error.h>
#include <roofspan/geometry/circular_opening.h>
#include <roofspan/geometry/gmsh_model.h>
#include <roofspan/geometry/layered_block.h>
#include <roofspan/geometry/model_geometry.h>
#include <roofspan/geometry/room_and_pillar.h>

#include <deal.II/base/parameter_handler.h>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void ModelGeometry<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Geometry");
    prm.declare_entry("Model",
                      "roof section",
                      Patterns::Selection("roof section|drift|intersection|layered "
                                          "block|circular opening|gmsh"),
                      "Model shape: 'roof section' (2D), 'drift' and "
                      "'intersection' (3D) are room-and-pillar models; "
                      "'layered block' (2D/3D) has no opening; 'circular "
                      "opening' (2D) is the verification geometry; 'gmsh' "
                      "reads any other shape.");
    RoomAndPillar<dim>::declare_parameters(prm);
    LayeredBlock<dim>::declare_parameters(prm);
    CircularOpening<dim>::declare_parameters(prm);
    GmshModel<dim>::declare_parameters(prm);
    prm.leave_subsection();
  }

  template <int dim>
  std::unique_ptr<ModelGeometry<dim>> ModelGeometry<dim>::create(ParameterHandler      &prm,
                                                                 const std::string     &file,
                                                                 const MaterialLibrary &library,
                                                                 const Stratigraphy &stratigraphy)
  {
    prm.enter_subsection("Geometry");
    const std::string model = prm.get("Model");
    prm.leave_subsection();

    using Shape         = typename RoomAndPillar<dim>::Shape;
    const auto need_dim = [&](const int d) {
      require(dim == d,
              file,
              "Dimension",
              "model '" + model + "' is " + format_number(d) +
                  "D; set Dimension = " + format_number(d));
    };
    if (model == "roof section")
      {
        need_dim(2);
        return std::make_unique<RoomAndPillar<dim>>(Shape::roof_section, prm, file, stratigraphy);
      }
    if (model == "drift" || model == "intersection")
      {
        need_dim(3);
        return std::make_unique<RoomAndPillar<dim>>(
            model == "drift" ? Shape::drift : Shape::intersection, prm, file, stratigraphy);
      }
    if (model == "layered block")
      return std::make_unique<LayeredBlock<dim>>(prm, file, stratigraphy);
    if (model == "circular opening")
      return std::make_unique<CircularOpening<dim>>(prm, file, library);
    return std::make_unique<GmshModel<dim>>(prm, file, library);
  }

  template class ModelGeometry<2>;
  template class ModelGeometry<3>;
} // namespace roofspan
