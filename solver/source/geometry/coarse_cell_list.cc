#include <roofspan/geometry/coarse_cell_list.h>

#include <deal.II/base/geometry_info.h>
#include <deal.II/grid/cell_id.h>
#include <deal.II/grid/tria.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <numeric>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  std::vector<unsigned int> CoarseCellList<dim>::partition(const unsigned int n_parts) const
  {
    const std::size_t       n = cells.size();
    std::vector<Point<dim>> centre(n);
    for (std::size_t c = 0; c < n; ++c)
      {
        for (const unsigned int v : cells[c].vertices)
          centre[c] += vertices[v];
        centre[c] /= cells[c].vertices.size();
      }

    std::vector<unsigned int> owner(n, 0);
    std::vector<std::size_t>  order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    struct Range
    {
      std::size_t  begin, end;
      unsigned int first_part, n_parts;
    };
    std::vector<Range> todo{{0, n, 0, std::max(n_parts, 1u)}};
    while (!todo.empty())
      {
        const Range range = todo.back();
        todo.pop_back();
        if (range.n_parts == 1 || range.end == range.begin)
          {
            for (std::size_t i = range.begin; i < range.end; ++i)
              owner[order[i]] = range.first_part;
            continue;
          }
        Point<dim> low, high;
        for (unsigned int d = 0; d < dim; ++d)
          {
            low[d]  = std::numeric_limits<double>::max();
            high[d] = std::numeric_limits<double>::lowest();
          }
        for (std::size_t i = range.begin; i < range.end; ++i)
          for (unsigned int d = 0; d < dim; ++d)
            {
              low[d]  = std::min(low[d], centre[order[i]][d]);
              high[d] = std::max(high[d], centre[order[i]][d]);
            }
        unsigned int axis = 0;
        for (unsigned int d = 1; d < dim; ++d)
          if (high[d] - low[d] > high[axis] - low[axis])
            axis = d;
        const unsigned int left_parts = range.n_parts / 2;
        const std::size_t  split =
            range.begin + (range.end - range.begin) * left_parts / range.n_parts;
        // Ties broken by index: a strict total order, so every rank cuts the
        // same cells.
        std::nth_element(order.begin() + range.begin,
                         order.begin() + split,
                         order.begin() + range.end,
                         [&](const std::size_t a, const std::size_t b) {
                           return centre[a][axis] < centre[b][axis] ||
                                  (centre[a][axis] == centre[b][axis] && a < b);
                         });
        todo.push_back({range.begin, split, range.first_part, left_parts});
        todo.push_back(
            {split, range.end, range.first_part + left_parts, range.n_parts - left_parts});
      }
    return owner;
  }

  template <int dim>
  TriangulationDescription::Description<dim, dim>
  CoarseCellList<dim>::describe_part(const std::vector<unsigned int> &owner,
                                     const unsigned int               rank,
                                     const MPI_Comm                   comm) const
  {
    constexpr unsigned int face_vertices = GeometryInfo<dim>::vertices_per_face;
    using FaceKey                        = std::array<unsigned int, face_vertices>;
    const std::size_t n_vertices         = vertices.size();

    // The cells around each vertex (all cells: a face of a ghost cell is at
    // the boundary only if no cell anywhere shares it).
    std::vector<std::size_t> first_incident(n_vertices + 1, 0);
    for (const auto &cell : cells)
      for (const unsigned int v : cell.vertices)
        ++first_incident[v + 1];
    std::partial_sum(first_incident.begin(), first_incident.end(), first_incident.begin());
    std::vector<unsigned int> incident(first_incident.back());
    {
      std::vector<std::size_t> next(first_incident.begin(), first_incident.end() - 1);
      for (std::size_t c = 0; c < cells.size(); ++c)
        for (const unsigned int v : cells[c].vertices)
          incident[next[v]++] = c;
    }

    // This rank's cells and every cell sharing a vertex with them.
    std::vector<char> near_owned(n_vertices, 0);
    for (std::size_t c = 0; c < cells.size(); ++c)
      if (owner[c] == rank)
        for (const unsigned int v : cells[c].vertices)
          near_owned[v] = 1;
    std::vector<std::size_t> relevant;
    for (std::size_t c = 0; c < cells.size(); ++c)
      if (std::any_of(cells[c].vertices.begin(), cells[c].vertices.end(), [&](unsigned int v) {
            return near_owned[v] != 0;
          }))
        relevant.push_back(c);

    std::map<FaceKey, types::boundary_id> tagged;
    for (const auto &face : boundary_faces)
      {
        FaceKey key;
        std::copy_n(face.vertices.begin(), face_vertices, key.begin());
        std::sort(key.begin(), key.end());
        tagged[key] = face.boundary_id;
      }

    TriangulationDescription::Description<dim, dim> description;
    description.comm      = comm;
    description.settings  = TriangulationDescription::Settings::default_setting;
    description.smoothing = Triangulation<dim>::none;
    description.cell_infos.resize(1);

    // Local vertex numbers in increasing global order: decisions deal.II
    // takes by comparing vertex numbers then agree on every rank.
    const unsigned int        unused = numbers::invalid_unsigned_int;
    std::vector<unsigned int> local_vertex(n_vertices, unused);
    for (const std::size_t c : relevant)
      for (const unsigned int v : cells[c].vertices)
        local_vertex[v] = 0;
    for (std::size_t v = 0; v < n_vertices; ++v)
      if (local_vertex[v] != unused)
        {
          local_vertex[v] = description.coarse_cell_vertices.size();
          description.coarse_cell_vertices.push_back(vertices[v]);
        }

    for (const std::size_t c : relevant)
      {
        CellData<dim> coarse = cells[c];
        for (unsigned int &v : coarse.vertices)
          v = local_vertex[v];
        description.coarse_cells.push_back(coarse);
        description.coarse_cell_index_to_coarse_cell_id.push_back(c);

        TriangulationDescription::CellData<dim> info;
        info.id                 = CellId(c, std::vector<std::uint8_t>()).template to_binary<dim>();
        info.subdomain_id       = owner[c];
        info.level_subdomain_id = numbers::invalid_subdomain_id;
        info.manifold_id        = numbers::flat_manifold_id;
        std::fill(info.manifold_line_ids.begin(),
                  info.manifold_line_ids.end(),
                  numbers::flat_manifold_id);
        std::fill(info.manifold_quad_ids.begin(),
                  info.manifold_quad_ids.end(),
                  numbers::flat_manifold_id);
        for (const unsigned int f : GeometryInfo<dim>::face_indices())
          {
            FaceKey key;
            for (unsigned int i = 0; i < face_vertices; ++i)
              key[i] = cells[c].vertices[GeometryInfo<dim>::face_to_cell_vertices(f, i)];
            bool shared = false;
            for (std::size_t k = first_incident[key[0]]; k < first_incident[key[0] + 1] && !shared;
                 ++k)
              {
                const unsigned int other = incident[k];
                if (other == c)
                  continue;
                const auto &v = cells[other].vertices;
                shared        = std::all_of(key.begin() + 1, key.end(), [&](unsigned int w) {
                  return std::find(v.begin(), v.end(), w) != v.end();
                });
              }
            if (shared)
              continue;
            std::sort(key.begin(), key.end());
            const auto found = tagged.find(key);
            info.boundary_ids.emplace_back(f, (found == tagged.end() ? 0 : found->second) + 1);
          }
        description.cell_infos[0].push_back(info);
      }
    return description;
  }

  template struct CoarseCellList<2>;
  template struct CoarseCellList<3>;
} // namespace roofspan
