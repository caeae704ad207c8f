#include <roofspan/loads/rigid_body_check.h>

#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/lac/lapack_full_matrix.h>
#include <deal.II/numerics/vector_tools.h>

#include <array>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    constexpr unsigned int n_modes(const int dim)
    {
      return dim == 2 ? 3 : 6;
    }

    /// Rigid-body mode `m`: translations first, then rotations about the
    /// centre (z in 2D; x, y, z in 3D), lengths scaled by `size`.
    template <int dim>
    class RigidMode : public Function<dim>
    {
    public:
      RigidMode(const unsigned int m, const Point<dim> &centre, const double size)
          : Function<dim>(dim)
          , mode(m)
          , centre(centre)
          , size(size)
      {
      }

      double value(const Point<dim> &p, const unsigned int component) const override
      {
        if (mode < dim)
          return component == mode ? 1 : 0;
        const Tensor<1, dim> x = (p - centre) / size;
        // Rotation about axis a: u = e_a x x.
        const unsigned int a = dim == 2 ? 2 : mode - dim;
        const unsigned int b = (a + 1) % 3, c = (a + 2) % 3; // u_b = -x_c, u_c = x_b
        if (component == b && c < dim)
          return -x[c];
        if (component == c && b < dim)
          return x[b];
        return 0;
      }

    private:
      const unsigned int mode;
      const Point<dim>   centre;
      const double       size;
    };

    std::string mode_name(const int dim, const unsigned int m)
    {
      const char *axes = "xyz";
      if (m < unsigned(dim))
        return std::string("translation in ") + axes[m];
      return std::string("rotation about ") + axes[dim == 2 ? 2 : m - dim];
    }
  } // namespace

  template <int dim>
  std::string free_rigid_motions(const DoFHandler<dim, dim>      &dof_handler,
                                 const Mapping<dim, dim>         &mapping,
                                 const AffineConstraints<double> &constraints,
                                 const IndexSet                  &owned,
                                 const IndexSet                  &relevant,
                                 MPI_Comm                         comm)
  {
    // The model's extent, for modes of comparable size.
    Point<dim> low, high;
    for (unsigned int d = 0; d < dim; ++d)
      {
        low[d]  = std::numeric_limits<double>::max();
        high[d] = -std::numeric_limits<double>::max();
      }
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const unsigned int v : cell->vertex_indices())
          for (unsigned int d = 0; d < dim; ++d)
            {
              low[d]  = std::min(low[d], cell->vertex(v)[d]);
              high[d] = std::max(high[d], cell->vertex(v)[d]);
            }
    Point<dim> centre;
    double     size = 0;
    for (unsigned int d = 0; d < dim; ++d)
      {
        low[d]    = Utilities::MPI::min(low[d], comm);
        high[d]   = Utilities::MPI::max(high[d], comm);
        centre[d] = (low[d] + high[d]) / 2;
        size      = std::max(size, high[d] - low[d]);
      }
    if (!(size > 0))
      size = 1;

    constexpr unsigned int                                  n = n_modes(dim);
    std::vector<LinearAlgebra::distributed::Vector<double>> modes(n);
    for (unsigned int m = 0; m < n; ++m)
      {
        modes[m].reinit(owned, relevant, comm);
        VectorTools::interpolate(mapping, dof_handler, RigidMode<dim>(m, centre, size), modes[m]);
        modes[m].update_ghost_values();
      }

    std::array<double, n * n> gram{};
    std::array<double, n>     r{};
    for (const auto &line : constraints.get_lines())
      if (owned.is_element(line.index))
        {
          for (unsigned int m = 0; m < n; ++m)
            {
              r[m] = modes[m](line.index);
              for (const auto &[column, weight] : line.entries)
                r[m] -= weight * modes[m](column);
            }
          for (unsigned int a = 0; a < n; ++a)
            for (unsigned int b = 0; b < n; ++b)
              gram[a * n + b] += r[a] * r[b];
        }
    Utilities::MPI::sum(ArrayView<const double>(gram.data(), gram.size()),
                        comm,
                        ArrayView<double>(gram.data(), gram.size()));

    // A mode that no constraint sees at all is named alone; otherwise the
    // eigenvectors of G with (relatively) zero eigenvalues are.
    double trace = 0;
    for (unsigned int a = 0; a < n; ++a)
      trace += gram[a * n + a];
    // The modes are of order 1 (scaled by the model's size): a residual of
    // rounding size (a constraint that a mode meets exactly, such as a contact
    // layer's linear interpolation under a rotation) is no constraint.
    const double rounding = 1e-20;
    const double tiny     = std::max(1e-12 * trace, rounding);
    std::string  free;
    const auto   add = [&](const std::string &what) { free += (free.empty() ? "" : ", ") + what; };
    if (trace <= rounding)
      {
        for (unsigned int m = 0; m < n; ++m)
          add(mode_name(dim, m));
        return free;
      }
    LAPACKFullMatrix<double> g(n, n);
    for (unsigned int a = 0; a < n; ++a)
      for (unsigned int b = 0; b < n; ++b)
        g(a, b) = gram[a * n + b];
    FullMatrix<double> eigenvectors;
    Vector<double>     eigenvalues;
    g.compute_eigenvalues_symmetric(-1, tiny, 1e-14 * trace, eigenvalues, eigenvectors);
    for (unsigned int k = 0; k < eigenvalues.size(); ++k)
      {
        // Name the motion by its largest components.
        std::string what;
        double      largest = 0;
        for (unsigned int m = 0; m < n; ++m)
          largest = std::max(largest, std::abs(eigenvectors(m, k)));
        for (unsigned int m = 0; m < n; ++m)
          if (std::abs(eigenvectors(m, k)) > 0.3 * largest)
            what += (what.empty() ? "" : " with ") + mode_name(dim, m);
        add(what);
      }
    return free;
  }

  template std::string free_rigid_motions<2>(const DoFHandler<2, 2> &,
                                             const Mapping<2, 2> &,
                                             const AffineConstraints<double> &,
                                             const IndexSet &,
                                             const IndexSet &,
                                             MPI_Comm);
  template std::string free_rigid_motions<3>(const DoFHandler<3, 3> &,
                                             const Mapping<3, 3> &,
                                             const AffineConstraints<double> &,
                                             const IndexSet &,
                                             const IndexSet &,
                                             MPI_Comm);
} // namespace roofspan
