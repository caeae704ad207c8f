#pragma once

#include <roofspan/output/vtu_piece.h>

#include <deal.II/base/data_out_base.h>

#include <string>
#include <tuple>
#include <vector>

namespace roofspan
{
  /**
   * The fields of a VtuPiece as deal.II patches, so that deal.II's HDF5 and
   * XDMF writer (DataOutInterface::write_hdf5_parallel, create_xdmf_entry)
   * writes the very points and values the VTU shows: one sampler serves
   * both formats.
   *
   * Each cell of the piece becomes one patch of `VtuPiece::subdivisions`
   * sub-cells per direction whose points (x fastest) are the piece's points
   * of that cell. Point arrays become datasets: a 3-component vector keeps
   * its first dim components (deal.II pads it back to 3 in the XDMF), a
   * 9-component tensor becomes its dim x dim components as scalars named
   * <name>_xy. Cell arrays become values at the cell's points: deal.II's
   * HDF5 writer carries point data only.
   */
  template <int dim>
  class SampledPatches : public dealii::DataOutInterface<dim, dim>
  {
  public:
    explicit SampledPatches(const VtuPiece &piece);

  private:
    const std::vector<dealii::DataOutBase::Patch<dim, dim>> &get_patches() const override;

    std::vector<std::string> get_dataset_names() const override;

    std::vector<std::tuple<unsigned int,
                           unsigned int,
                           std::string,
                           dealii::DataComponentInterpretation::DataComponentInterpretation>>
    get_nonscalar_data_ranges() const override;

    std::vector<dealii::DataOutBase::Patch<dim, dim>> patches;
    std::vector<std::string>                          names;
    std::vector<std::tuple<unsigned int,
                           unsigned int,
                           std::string,
                           dealii::DataComponentInterpretation::DataComponentInterpretation>>
        ranges;
  };
} // namespace roofspan
