#include <roofspan/output/sampled_patches.h>

#include <deal.II/base/utilities.h>

#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  SampledPatches<dim>::SampledPatches(const VtuPiece &piece)
  {
    if (piece.dim != dim)
      throw std::logic_error("SampledPatches: the piece's dimension is not the patches'");
    const unsigned int n_sub            = piece.subdivisions;
    const unsigned int points_per_cell  = Utilities::pow(n_sub + 1, dim);
    const unsigned int sub_cells        = Utilities::pow(n_sub, dim);
    const std::size_t  n_points         = piece.points.size() / 3;
    const std::size_t  n_cells          = n_points / points_per_cell;
    const std::size_t  n_sub_cells_seen = piece.cells.size() / GeometryInfo<dim>::vertices_per_cell;
    if (n_points % points_per_cell != 0 || n_sub_cells_seen != n_cells * sub_cells)
      throw std::logic_error("SampledPatches: the piece is not made of whole cells");

    // Which rows of a patch's data each array fills.
    struct Source
    {
      const VtuPiece::Array    *array;
      bool                      cell;
      std::vector<unsigned int> components; ///< of the array, one per row
    };
    std::vector<Source> sources;
    for (const bool cell : {false, true})
      for (const auto &a : cell ? piece.cell_data : piece.point_data)
        {
          Source             s{&a, cell, {}};
          const unsigned int first = names.size();
          if (a.components == 3)
            {
              for (unsigned int d = 0; d < dim; ++d)
                {
                  s.components.push_back(d);
                  names.push_back(a.name);
                }
              ranges.emplace_back(first,
                                  first + dim - 1,
                                  a.name,
                                  DataComponentInterpretation::component_is_part_of_vector);
            }
          else if (a.components == 9)
            for (unsigned int i = 0; i < dim; ++i)
              for (unsigned int j = 0; j < dim; ++j)
                {
                  s.components.push_back(3 * i + j);
                  names.push_back(a.name + "_" + "xyz"[i] + "xyz"[j]);
                }
          else if (a.components == 1)
            {
              s.components.push_back(0);
              names.push_back(a.name);
            }
          else
            throw std::logic_error("SampledPatches: array " + a.name + " has " +
                                   std::to_string(a.components) + " components");
          sources.push_back(std::move(s));
        }

    patches.resize(n_cells);
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        auto &patch                = patches[c];
        patch.patch_index          = c;
        patch.n_subdivisions       = n_sub;
        patch.reference_cell       = ReferenceCells::get_hypercube<dim>();
        patch.points_are_available = true;
        patch.data.reinit(names.size() + dim, points_per_cell);
        const std::size_t first_point = c * points_per_cell;
        // Corners, in deal.II's vertex order (lexicographic, x fastest).
        for (unsigned int v = 0; v < GeometryInfo<dim>::vertices_per_cell; ++v)
          {
            unsigned int index = 0, stride = 1;
            for (unsigned int d = 0; d < dim; ++d, stride *= n_sub + 1)
              index += ((v >> d) & 1) * n_sub * stride;
            for (unsigned int d = 0; d < dim; ++d)
              patch.vertices[v][d] = piece.points[3 * (first_point + index) + d];
          }
        for (unsigned int p = 0; p < points_per_cell; ++p)
          {
            unsigned int row = 0;
            for (const auto &s : sources)
              {
                const unsigned int width = s.array->components;
                // All sub-cells of a cell carry the cell's value.
                const std::size_t entry = s.cell ? c * sub_cells : first_point + p;
                for (const unsigned int k : s.components)
                  patch.data(row++, p) = s.array->values[width * entry + k];
              }
            for (unsigned int d = 0; d < dim; ++d)
              patch.data(row + d, p) = piece.points[3 * (first_point + p) + d];
          }
      }
  }

  template <int dim>
  const std::vector<DataOutBase::Patch<dim, dim>> &SampledPatches<dim>::get_patches() const
  {
    return patches;
  }

  template <int dim>
  std::vector<std::string> SampledPatches<dim>::get_dataset_names() const
  {
    return names;
  }

  template <int dim>
  std::vector<std::tuple<unsigned int,
                         unsigned int,
                         std::string,
                         DataComponentInterpretation::DataComponentInterpretation>>
  SampledPatches<dim>::get_nonscalar_data_ranges() const
  {
    return ranges;
  }

  template class SampledPatches<2>;
  template class SampledPatches<3>;
} // namespace roofspan
