#pragma once

#include <roofspan/output/vtu_piece.h>
#include <roofspan/simulator/analysis_state.h>

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <deal.II/base/types.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/vector.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * What the outputs read of a state of the model, sampled one way for every
   * format: the rock's fields at (degree + 1)^dim points per cell as linear
   * sub-cells (VtuPiece, which the VTU writes and SampledPatches hands to
   * deal.II's HDF5/XDMF writer), and the stress at any point of a cell (the
   * probes and the summary's stresses take it from here too).
   */
  template <int dim>
  class FieldSampler
  {
  public:
    explicit FieldSampler(const Simulator<dim> &model);

    /// The rock on linear sub-cells: points, `vector` (rock DoFs, ghosted)
    /// under `vector_name`, with `state` the total stress and its principal
    /// values, and per cell the material, rank, and (when given) the yield
    /// state and plastic strain; with contacts and `state`, their opening
    /// and slip per cell.
    VtuPiece sample(const dealii::PETScWrappers::MPI::Vector &vector,
                    const std::string                        &vector_name,
                    const AnalysisState<dim>                 *state,
                    const dealii::Vector<float>              *yield_state,
                    const dealii::Vector<float>              *plastic_strain) const;

    /// Total stress (in-situ + change) in `state` at a point of a cell
    /// (`unit_point` in its reference cell): in plastic units the stress
    /// the model returned at the cell's nearest quadrature point (a state
    /// it computed, never extrapolated past the points); elsewhere Hooke's
    /// law from the displacement gradient. Full 3x3 tensor: in 2D the
    /// out-of-plane stress follows from plane strain.
    dealii::SymmetricTensor<2, 3> stress_in(const AnalysisState<dim>                  &state,
                                            dealii::types::material_id                 material,
                                            unsigned int                               cell_index,
                                            const dealii::Point<dim>                  &unit_point,
                                            const std::vector<dealii::Tensor<1, dim>> &gradient,
                                            const dealii::Point<dim>                  &point) const;

    /// Per active cell: the yield mode of its points in `state` (0 elastic;
    /// shear wins over tension).
    dealii::Vector<float> yield_state(const AnalysisState<dim> &state) const;

    /// Per active cell: the largest plastic strain norm of its points.
    dealii::Vector<float> plastic_strain(const AnalysisState<dim> &state) const;

    /// The displacement (`vector`: rock DoFs, ghosted) at a point, from the
    /// cell with the lexicographically smallest centre of those that hold
    /// it, whichever rank owns it (the answer does not depend on the
    /// partition); nothing if the point is outside the mesh. Collective.
    std::optional<dealii::Tensor<1, dim>>
    displacement_at(const dealii::PETScWrappers::MPI::Vector &vector,
                    const dealii::Point<dim>                 &point) const;

    /// True if some unit of the model is a contact (Stratigraphy/Contacts).
    bool has_contacts() const;

    /// Per active cell: the largest opening and slip [m] of its points in
    /// `state` (zero outside contacts).
    std::pair<dealii::Vector<float>, dealii::Vector<float>>
    contact_displacement(const AnalysisState<dim> &state) const;

    /// Yielded points of a state's committed material states and the
    /// highest of them (collective; -max double when none).
    std::pair<unsigned int, double> yielded_extent(const AnalysisState<dim> &state) const;

  private:
    const Simulator<dim> &model;
  };
} // namespace roofspan
