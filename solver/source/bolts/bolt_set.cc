#include <roofspan/bolts/bolt_set.h>
#include <roofspan/core/input_error.h>
#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /// Concatenates every rank's doubles in rank order: on every rank
    /// (`root` < 0) or on rank `root` only.
    std::vector<double> collect(const std::vector<double> &mine, MPI_Comm comm, const int root)
    {
      const int        n_ranks = Utilities::MPI::n_mpi_processes(comm);
      int              count   = mine.size();
      std::vector<int> counts(n_ranks), displacements(n_ranks, 0);
      if (root < 0)
        MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
      else
        MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
      for (int r = 1; r < n_ranks; ++r)
        displacements[r] = displacements[r - 1] + counts[r - 1];
      const bool receives = root < 0 || int(Utilities::MPI::this_mpi_process(comm)) == root;
      std::vector<double> all(receives ? displacements.back() + counts.back() : 0);
      if (root < 0)
        MPI_Allgatherv(mine.data(),
                       count,
                       MPI_DOUBLE,
                       all.data(),
                       counts.data(),
                       displacements.data(),
                       MPI_DOUBLE,
                       comm);
      else
        MPI_Gatherv(mine.data(),
                    count,
                    MPI_DOUBLE,
                    all.data(),
                    counts.data(),
                    displacements.data(),
                    MPI_DOUBLE,
                    root,
                    comm);
      return all;
    }

    // Two-point Gauss rule on [0, 1].
    const double gauss_xi[2] = {0.5 - 0.5 / std::sqrt(3.), 0.5 + 0.5 / std::sqrt(3.)};

    // A tiny residual stiffness keeps the tangent regular where steel and
    // bond are both at their limits (perfect plasticity).
    constexpr double residual_stiffness = 1e-9;
  } // namespace

  template <int dim>
  BoltSet<dim>::BoltSet(const BoltPattern<dim> &pattern,
                        const std::string      &case_file,
                        MPI_Comm                comm)
      : bolt_pattern(pattern)
      , case_file(case_file)
      , comm(comm)
      , my_rank(Utilities::MPI::this_mpi_process(comm))
  {
  }

  template <int dim>
  double BoltSet<dim>::scale(const unsigned int bolt) const
  {
    return bolt_pattern.smearing() * bolt_pattern.lines[bolt].weight;
  }

  template <int dim>
  void BoltSet<dim>::locate(const DoFHandler<dim> &dofs, const Mapping<dim> &mapping)
  {
    dof_handler            = &dofs;
    numbering              = nullptr;
    const auto  &lines     = bolt_pattern.lines;
    const auto  &product   = bolt_pattern.product;
    const double tolerance = 1e-9;
    // The shortest bolt piece, as a fraction of its cell's size (below).
    constexpr double shortest_piece = 0.01;

    // 1. Every locally owned cell reports the part of each bolt inside it:
    //    (bolt, s0, s1, rank, index in `mine`, cell size, cell centre) -- the
    //    centre decides, independent of the partition, which cell takes a
    //    bolt that runs along a face.
    struct Candidate
    {
      unsigned int                                   bolt;
      double                                         s0, s1;
      typename DoFHandler<dim>::active_cell_iterator cell;
    };
    std::vector<Candidate> mine;
    std::vector<double>    packed; // as above
    const auto             padded_box = [](const auto &cell) {
      auto box = cell->bounding_box();
      box.extend(1e-9 * cell->diameter());
      return box;
    };
    const auto inside = [&](const auto &cell, const Point<dim> &x) {
      if (!padded_box(cell).point_inside(x))
        return false;
      try
        {
          const Point<dim> unit = mapping.transform_real_to_unit_cell(cell, x);
          return GeometryInfo<dim>::is_inside_unit_cell(unit, 1e-9);
        }
      catch (...)
        {
          return false;
        }
    };
    for (const auto &cell : dofs.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const auto box = padded_box(cell);
        for (unsigned int b = 0; b < lines.size(); ++b)
          {
            const BoltLine<dim> &line = lines[b];
            // Clip the bolt to the cell's bounding box (slab method).
            double lo = 0, hi = line.length;
            for (unsigned int d = 0; d < dim && lo <= hi; ++d)
              {
                const double a = line.collar[d], v = line.direction[d];
                const double p0 = box.get_boundary_points().first[d];
                const double p1 = box.get_boundary_points().second[d];
                if (std::abs(v) < 1e-14)
                  {
                    if (a < p0 || a > p1)
                      hi = -1;
                    continue;
                  }
                double t0 = (p0 - a) / v, t1 = (p1 - a) / v;
                if (t0 > t1)
                  std::swap(t0, t1);
                lo = std::max(lo, t0);
                hi = std::min(hi, t1);
              }
            if (hi - lo < tolerance * line.length)
              continue;
            // Sample, then bisect the entry and exit (cells are convex).
            const unsigned int  n_samples = 9;
            int                 first = -1, last = -1;
            std::vector<double> t(n_samples);
            for (unsigned int k = 0; k < n_samples; ++k)
              {
                t[k] = lo + (hi - lo) * k / (n_samples - 1);
                if (inside(cell, line.collar + t[k] * line.direction))
                  {
                    if (first < 0)
                      first = k;
                    last = k;
                  }
              }
            if (first < 0)
              continue;
            const auto bisect = [&](double in, double out) {
              for (unsigned int it = 0; it < 60 && std::abs(in - out) > 1e-13 * line.length; ++it)
                {
                  const double mid                                              = (in + out) / 2;
                  (inside(cell, line.collar + mid * line.direction) ? in : out) = mid;
                }
              return in;
            };
            const double s0 = first == 0 ? t[0] : bisect(t[first], t[first - 1]);
            const double s1 = last == int(n_samples) - 1 ? t[last] : bisect(t[last], t[last + 1]);
            if (s1 - s0 < tolerance * line.length)
              continue;
            packed.insert(packed.end(),
                          {double(b),
                           s0,
                           s1,
                           double(my_rank),
                           double(mine.size()),
                           cell->minimum_vertex_distance()});
            const Point<dim> c = cell->center();
            for (unsigned int d = 0; d < dim; ++d)
              packed.push_back(c[d]);
            mine.push_back({b, s0, s1, cell});
          }
      }
    const std::vector<double> all    = collect(packed, comm, -1);
    const unsigned int        stride = 6 + dim;

    // 2. Per bolt: split [0, L] at every reported end point; each interval
    //    goes to the covering cell with the smallest centre (lexicographic).
    //    Then number nodes: each cell's piece is divided into elements. The
    //    rank holding the collar's piece owns the bolt's unknowns, which
    //    follow that rank's earlier bolts (the same on every rank: every
    //    rank sees every piece).
    struct Piece
    {
      double       s0, s1;
      unsigned int rank, local;
    };
    std::vector<std::vector<Piece>> pieces(lines.size());
    const unsigned int              n_ranks = Utilities::MPI::n_mpi_processes(comm);
    owner.assign(lines.size(), 0);
    node_offset.assign(lines.size(), 0);
    n_nodes.assign(lines.size(), 0);
    n_real_on_rank.assign(n_ranks, 0);
    elements.clear();
    n_global_elements = 0;
    for (unsigned int b = 0; b < lines.size(); ++b)
      {
        const BoltLine<dim>        &line = lines[b];
        std::vector<const double *> candidates;
        std::vector<double>         cuts{0., line.length};
        for (std::size_t k = 0; k < all.size(); k += stride)
          if (unsigned(all[k]) == b)
            {
              candidates.push_back(&all[k]);
              cuts.push_back(all[k + 1]);
              cuts.push_back(all[k + 2]);
            }
        std::set<double> fixed{0., line.length};
        if (product.type == BoltProduct::Type::end_anchored)
          {
            cuts.push_back(line.length - product.anchor_length);
            fixed.insert(std::clamp(line.length - product.anchor_length, 0., line.length));
          }
        std::sort(cuts.begin(), cuts.end());
        std::vector<double> breaks;
        for (const double c : cuts)
          if (breaks.empty() || c - breaks.back() > tolerance * line.length)
            breaks.push_back(std::clamp(c, 0., line.length));
        breaks.back() = line.length;

        // The cell that takes [lo, hi]: the one covering its middle, the
        // smallest centre (lexicographic) on a tie.
        const auto host_of = [&](const double lo, const double hi) {
          const double  mid  = (lo + hi) / 2;
          const double *best = nullptr;
          for (const double *c : candidates)
            if (c[1] <= mid && mid <= c[2])
              if (best == nullptr ||
                  std::lexicographical_compare(c + 6, c + 6 + dim, best + 6, best + 6 + dim))
                best = c;
          return best;
        };
        // A bolt that passes a cell's edge or corner closely crosses a
        // sliver of it: that element's axial stiffness EA / h (h down to
        // 1e-9 L) put 1e16 into the tangent, 1e7 times the rest (measured:
        // 3D intersection, Q2, 2.4 m rib bolts at 15 degrees). A piece
        // shorter than a hundredth of its cell's smallest vertex distance
        // joins a neighbour (a thin layer's piece is as long as the layer is
        // thick, and stays): its host is then the cell that holds the merged
        // piece's middle, and the sliver's bond points lie outside that
        // cell by at most the sliver, where the shape functions are taken
        // on the cell's face.
        for (bool merged = true; merged && breaks.size() > 2;)
          {
            merged = false;
            for (std::size_t k = 0; k + 1 < breaks.size() && !merged; ++k)
              {
                const double *host = host_of(breaks[k], breaks[k + 1]);
                if (host == nullptr || breaks[k + 1] - breaks[k] >= shortest_piece * host[5])
                  continue;
                const bool lower_fixed = fixed.count(breaks[k]) > 0;
                const bool upper_fixed = fixed.count(breaks[k + 1]) > 0;
                if (!upper_fixed && k + 2 < breaks.size())
                  breaks.erase(breaks.begin() + k + 1);
                else if (!lower_fixed && k > 0)
                  breaks.erase(breaks.begin() + k);
                else
                  continue;
                merged = true;
              }
          }

        for (unsigned int k = 0; k + 1 < breaks.size(); ++k)
          {
            const double *best = host_of(breaks[k], breaks[k + 1]);
            if (best == nullptr)
              {
                const double     mid = (breaks[k] + breaks[k + 1]) / 2;
                const Point<dim> x   = line.collar + mid * line.direction;
                std::string      where;
                for (unsigned int d = 0; d < dim; ++d)
                  where += (d ? " " : "") + format_number(std::round(x[d] * 1e4) / 1e4);
                const bool beyond_top = mid > 0.5 * line.length;
                throw InputError(case_file,
                                 beyond_top ? "Bolts/Length" : "Bolts/Offsets",
                                 "bolt " + std::to_string(b) + " (collar at offset " +
                                     format_number(line.offset) + " m) leaves the mesh at " +
                                     format_number(std::round(mid * 1e4) / 1e4) +
                                     " m along it, point (" + where + "): " +
                                     (beyond_top ? "the bolt is longer than the rock model "
                                                   "above its collar" :
                                                   "the bolt lies outside the mesh"));
              }
            pieces[b].push_back({breaks[k], breaks[k + 1], unsigned(best[3]), unsigned(best[4])});
          }
        // Elements: each piece in equal parts.
        owner[b]          = pieces[b].front().rank;
        node_offset[b]    = n_real_on_rank[owner[b]];
        unsigned int node = 0;
        for (const Piece &piece : pieces[b])
          {
            const unsigned int n = bolt_pattern.elements_per_cell;
            for (unsigned int e = 0; e < n; ++e, ++node)
              {
                ++n_global_elements;
                if (piece.rank != my_rank)
                  continue;
                Element el;
                el.bolt       = b;
                el.first_node = node;
                el.s0         = piece.s0 + (piece.s1 - piece.s0) * e / n;
                el.s1         = piece.s0 + (piece.s1 - piece.s0) * (e + 1) / n;
                el.cell       = mine[piece.local].cell;
                elements.push_back(el);
              }
          }
        n_nodes[b] = node + 1;
        n_real_on_rank[owner[b]] += n_nodes[b];
      }
    n_padded_on_rank.resize(n_ranks);
    n_bolt_dofs = 0;
    for (unsigned int p = 0; p < n_ranks; ++p)
      {
        n_padded_on_rank[p] = (n_real_on_rank[p] + dim - 1) / dim * dim;
        n_bolt_dofs += n_padded_on_rank[p];
      }

    // 3. Host shape functions at the bond points (and the plate).
    const FiniteElement<dim> &fe    = dofs.get_fe();
    const unsigned int        n     = fe.n_dofs_per_cell();
    double                    h_sum = 0;
    for (Element &el : elements)
      {
        const BoltLine<dim> &line     = lines[el.bolt];
        const auto           shape_at = [&](const double s, std::vector<double> &out) {
          const Point<dim> x    = line.collar + s * line.direction;
          Point<dim>       unit = mapping.transform_real_to_unit_cell(el.cell, x);
          for (unsigned int d = 0; d < dim; ++d) // on a face: clamp round-off
            unit[d] = std::clamp(unit[d], 0., 1.);
          for (unsigned int i = 0; i < n; ++i)
            {
              const unsigned int c = fe.system_to_component_index(i).first;
              out.push_back(fe.shape_value_component(i, unit, c) * line.direction[c]);
            }
        };
        const double h = el.s1 - el.s0;
        h_sum += h;
        for (unsigned int q = 0; q < 2; ++q)
          {
            el.s_q[q]    = el.s0 + gauss_xi[q] * h;
            el.bonded[q] = product.type == BoltProduct::Type::fully_grouted ||
                           el.s_q[q] >= line.length - product.anchor_length;
            shape_at(el.s_q[q], el.host_shape);
          }
        if (el.first_node == 0 && product.plate_stiffness > 0)
          shape_at(0., el.plate_shape);
      }
    const double n_el   = Utilities::MPI::sum(double(elements.size()), comm);
    const double h_mean = Utilities::MPI::sum(h_sum, comm) / std::max(1., n_el);
    idle_diagonal       = product.axial_stiffness() * bolt_pattern.smearing() / h_mean;
  }

  template <int dim>
  void BoltSet<dim>::number(const SystemNumbering &system)
  {
    for (unsigned int p = 0; p < n_padded_on_rank.size(); ++p)
      if (system.n_extra(p) != n_padded_on_rank[p])
        throw std::runtime_error("internal error: the system numbering has " +
                                 std::to_string(system.n_extra(p)) + " bolt unknowns on rank " +
                                 std::to_string(p) + ", the bolts " +
                                 std::to_string(n_padded_on_rank[p]));
    numbering = &system;
  }

  template <int dim>
  void BoltSet<dim>::host_dof_indices(const Element                        &el,
                                      std::vector<types::global_dof_index> &indices) const
  {
    indices.resize(el.cell->get_fe().n_dofs_per_cell());
    el.cell->get_dof_indices(indices);
    numbering->of_rock(indices);
  }

  template <int dim>
  IndexSet BoltSet<dim>::dof_index_set() const
  {
    return numbering->all_extra();
  }

  template <int dim>
  std::vector<double> BoltSet<dim>::values(const PETScWrappers::MPI::Vector &ghosted) const
  {
    std::vector<types::global_dof_index> ids;
    for (unsigned int b = 0; b < n_nodes.size(); ++b)
      for (unsigned int i = 0; i < n_nodes[b]; ++i)
        ids.push_back(bolt_dof(b, i));
    std::vector<double> result(ids.size());
    ghosted.extract_subvector_to(ids, result);
    return result;
  }

  template <int dim>
  void BoltSet<dim>::set_owned_values(const std::vector<double>  &values,
                                      PETScWrappers::MPI::Vector &owned) const
  {
    std::size_t k = 0;
    for (unsigned int b = 0; b < n_nodes.size(); ++b)
      for (unsigned int i = 0; i < n_nodes[b]; ++i, ++k)
        if (owner[b] == my_rank)
          owned(bolt_dof(b, i)) = values.at(k);
    owned.compress(VectorOperation::insert);
  }

  template <int dim>
  void BoltSet<dim>::add_sparsity(DynamicSparsityPattern          &dsp,
                                  const AffineConstraints<double> &constraints) const
  {
    std::vector<types::global_dof_index> indices;
    for (const Element &el : elements)
      {
        host_dof_indices(el, indices);
        indices.push_back(bolt_dof(el.bolt, el.first_node));
        indices.push_back(bolt_dof(el.bolt, el.first_node + 1));
        constraints.add_entries_local_to_global(indices, dsp, false);
      }
    // Idle and padding unknowns get a diagonal (added by their owner).
    const types::global_dof_index first = numbering->first_extra(my_rank);
    for (types::global_dof_index i = 0; i < n_padded_on_rank[my_rank]; ++i)
      dsp.add(first + i, first + i);
  }

  template <int dim>
  std::vector<std::pair<types::global_dof_index, double>>
  BoltSet<dim>::imposed_collar_values() const
  {
    std::vector<std::pair<types::global_dof_index, double>> values;
    if (bolt_pattern.head_displacement != 0)
      for (unsigned int b = 0; b < bolt_pattern.lines.size(); ++b)
        values.emplace_back(bolt_dof(b, 0), -bolt_pattern.head_displacement); // out of the hole
    return values;
  }

  template <int dim>
  void BoltSet<dim>::install(State &state, const PETScWrappers::MPI::Vector &u) const
  {
    std::vector<types::global_dof_index> indices;
    for (std::size_t e = 0; e < elements.size(); ++e)
      {
        const Element           &el = elements[e];
        typename State::Element &st = state.elements[e];
        const unsigned int       n  = el.cell->get_fe().n_dofs_per_cell();
        host_dof_indices(el, indices);
        std::vector<double> ul(n);
        u.extract_subvector_to(indices, ul);
        for (unsigned int q = 0; q < 2; ++q)
          {
            double ut = 0;
            for (unsigned int i = 0; i < n; ++i)
              ut += el.host_shape[q * n + i] * ul[i];
            st.host_reference[q] = ut;
          }
        if (!el.plate_shape.empty())
          {
            double ut = 0;
            for (unsigned int i = 0; i < n; ++i)
              ut += el.plate_shape[i] * ul[i];
            st.plate_reference = ut;
          }
      }
    state.installed = true;
  }

  template <int dim>
  void BoltSet<dim>::assemble(State                            &state,
                              const PETScWrappers::MPI::Vector &u,
                              const AffineConstraints<double>  &constraints,
                              SystemMatrix                     *matrix,
                              PETScWrappers::MPI::Vector       &residual,
                              PETScWrappers::MPI::Vector       &internal_force) const
  {
    // Padding unknowns always, bolt unknowns before installation: a diagonal
    // (from their owner).
    if (matrix != nullptr)
      {
        const types::global_dof_index first = numbering->first_extra(my_rank);
        for (types::global_dof_index i = state.installed ? n_real_on_rank[my_rank] : 0;
             i < n_padded_on_rank[my_rank];
             ++i)
          matrix->add(first + i, first + i, idle_diagonal);
      }
    if (!state.installed)
      return;

    const BoltProduct                   &product = bolt_pattern.product;
    const double                         EA      = product.axial_stiffness();
    std::vector<types::global_dof_index> indices;
    FullMatrix<double>                   K;
    Vector<double>                       f, minus_f;
    for (std::size_t e = 0; e < elements.size(); ++e)
      {
        const Element           &el = elements[e];
        typename State::Element &st = state.elements[e];
        const unsigned int       n  = el.cell->get_fe().n_dofs_per_cell();
        const unsigned int       b0 = n, b1 = n + 1; // local bolt unknowns
        host_dof_indices(el, indices);
        indices.push_back(bolt_dof(el.bolt, el.first_node));
        indices.push_back(bolt_dof(el.bolt, el.first_node + 1));
        std::vector<double> ul(n + 2);
        u.extract_subvector_to(indices, ul);
        K.reinit(n + 2, n + 2);
        f.reinit(n + 2);

        const double w  = scale(el.bolt);
        const double h  = el.s1 - el.s0;
        const double ka = w * EA / h;

        // Steel: elastic, then linear (kinematic) hardening from the yield
        // force at the yield strain to the ultimate force at the ultimate
        // strain; the pretension is the initial force. The hardening keeps
        // the tangent regular where a yielded bar segment has no bond (an
        // open joint), which perfect plasticity would make singular.
        {
          const double strain    = (ul[b1] - ul[b0]) / h;
          const double N0        = w * bolt_pattern.pretension * state.pretension_scale[el.bolt];
          const double Ny        = w * product.yield_force;
          const double H         = w * product.hardening_modulus();
          double       N         = N0 + w * EA * (strain - st.steel_plastic);
          double       k         = ka;
          st.steel_plastic_trial = st.steel_plastic;
          st.steel_yield         = false;
          const double excess    = std::abs(N - H * st.steel_plastic) - Ny;
          if (excess > 0)
            {
              const double direction = N - H * st.steel_plastic > 0 ? 1. : -1.;
              const double increment = excess / (w * EA + H);
              st.steel_plastic_trial = st.steel_plastic + direction * increment;
              N -= direction * w * EA * increment;
              st.steel_yield = true;
              k              = std::max(ka * H / (w * EA + H), residual_stiffness * ka);
            }
          st.axial_force  = N;
          st.axial_strain = strain + N0 / (w * EA);
          f(b0) -= N;
          f(b1) += N;
          K(b0, b0) += k;
          K(b1, b1) += k;
          K(b0, b1) -= k;
          K(b1, b0) -= k;
        }

        // Bond: slip = bolt displacement - host displacement along the bolt
        // (both since installation).
        for (unsigned int q = 0; q < 2; ++q)
          {
            st.slip[q]       = 0;
            st.shear_flow[q] = 0;
            st.bond_yield[q] = false;
            if (!el.bonded[q])
              continue;
            const double *N    = &el.host_shape[q * n];
            const double  phi0 = 1 - gauss_xi[q], phi1 = gauss_xi[q];
            double        ut = -st.host_reference[q];
            for (unsigned int i = 0; i < n; ++i)
              ut += N[i] * ul[i];
            const double slip        = phi0 * ul[b0] + phi1 * ul[b1] - ut;
            const double kb          = w * product.bond_stiffness;
            const double qmax        = w * product.bond_strength / state.bond_factor;
            double       flow        = kb * (slip - st.slip_plastic[q]);
            double       k           = kb;
            st.slip_plastic_trial[q] = st.slip_plastic[q];
            if (std::abs(flow) > qmax)
              {
                flow                     = std::copysign(qmax, flow);
                st.slip_plastic_trial[q] = slip - flow / kb;
                st.bond_yield[q]         = true;
                k                        = residual_stiffness * kb;
              }
            st.slip[q]       = slip;
            st.shear_flow[q] = flow;
            const double JxW = h / 2;
            // d slip / d u: +phi on the bolt, -N on the host.
            std::vector<double> g(n + 2, 0.);
            for (unsigned int i = 0; i < n; ++i)
              g[i] = -N[i];
            g[b0] = phi0;
            g[b1] = phi1;
            for (unsigned int i = 0; i < n + 2; ++i)
              {
                if (g[i] == 0)
                  continue;
                f(i) += g[i] * flow * JxW;
                for (unsigned int j = 0; j < n + 2; ++j)
                  K(i, j) += g[i] * k * g[j] * JxW;
              }
          }

        // The force the bolt pulls its collar node with: what a jack
        // (pull-out test) or the plate holds.
        if (el.first_node == 0)
          st.collar_force = -f(b0);

        // Plate: a spring between the collar and the host's roof surface.
        if (!el.plate_shape.empty())
          {
            double ut = -st.plate_reference;
            for (unsigned int i = 0; i < n; ++i)
              ut += el.plate_shape[i] * ul[i];
            const double        kp    = w * product.plate_stiffness;
            const double        force = kp * (ul[b0] - ut);
            std::vector<double> g(n + 2, 0.);
            for (unsigned int i = 0; i < n; ++i)
              g[i] = -el.plate_shape[i];
            g[b0] = 1;
            for (unsigned int i = 0; i < n + 2; ++i)
              {
                if (g[i] == 0)
                  continue;
                f(i) += g[i] * force;
                for (unsigned int j = 0; j < n + 2; ++j)
                  K(i, j) += g[i] * kp * g[j];
              }
          }

        minus_f = f;
        minus_f *= -1;
        if (matrix != nullptr)
          constraints.distribute_local_to_global(K, minus_f, indices, *matrix, residual);
        else
          constraints.distribute_local_to_global(minus_f, indices, residual);
        internal_force.add(indices, f);
      }
  }

  template <int dim>
  void BoltSet<dim>::element_state_dofs(
      const State                                                 &state,
      std::map<std::string, std::vector<types::global_dof_index>> &dofs) const
  {
    if (!state.installed)
      return;
    std::vector<types::global_dof_index> indices;
    for (std::size_t e = 0; e < elements.size(); ++e)
      {
        const Element                 &el = elements[e];
        const typename State::Element &st = state.elements[e];
        host_dof_indices(el, indices);
        indices.push_back(bolt_dof(el.bolt, el.first_node));
        indices.push_back(bolt_dof(el.bolt, el.first_node + 1));
        const auto add = [&](const std::string &state) {
          auto &list = dofs[state];
          list.insert(list.end(), indices.begin(), indices.end());
        };
        add(st.steel_yield ? "steel yielding" : "steel elastic");
        for (unsigned int q = 0; q < 2; ++q)
          if (el.bonded[q])
            add(st.bond_yield[q] ? "bond slipping" : "bond elastic");
      }
  }

  template <int dim>
  std::vector<types::global_dof_index> BoltSet<dim>::idle_dofs(const State &state) const
  {
    std::vector<types::global_dof_index> idle;
    for (unsigned int p = 0; p < n_padded_on_rank.size(); ++p)
      for (types::global_dof_index i = state.installed ? n_real_on_rank[p] : 0;
           i < n_padded_on_rank[p];
           ++i)
        idle.push_back(numbering->first_extra(p) + i);
    return idle;
  }

  template <int dim>
  void BoltSet<dim>::scale_pretension(State &state, const std::vector<double> &factor) const
  {
    for (unsigned int b = 0; b < state.pretension_scale.size(); ++b)
      state.pretension_scale[b] *= factor[b];
  }

  template <int dim>
  typename BoltSet<dim>::State BoltSet<dim>::initial_state(const double strength_factor) const
  {
    State state;
    state.elements.resize(elements.size());
    state.pretension_scale.assign(bolt_pattern.lines.size(), 1.);
    state.bond_factor = strength_factor;
    return state;
  }

  template <int dim>
  typename BoltSet<dim>::State BoltSet<dim>::transferred_state(const BoltSet<dim> &old,
                                                               const State        &old_state) const
  {
    State state;
    state.elements.resize(elements.size());
    state.installed        = old_state.installed;
    state.bond_factor      = old_state.bond_factor;
    state.pretension_scale = old_state.pretension_scale;
    // Elements are named by (bolt, first node), which does not depend on the
    // partition; every rank sees every element's committed state.
    constexpr unsigned int width = 8;
    std::vector<double>    packed;
    for (std::size_t e = 0; e < old.elements.size(); ++e)
      {
        const Element                 &el = old.elements[e];
        const typename State::Element &st = old_state.elements[e];
        packed.insert(packed.end(),
                      {double(el.bolt),
                       double(el.first_node),
                       st.steel_plastic,
                       st.slip_plastic[0],
                       st.slip_plastic[1],
                       st.host_reference[0],
                       st.host_reference[1],
                       st.plate_reference});
      }
    const std::vector<std::vector<double>> all = Utilities::MPI::all_gather(comm, packed);
    std::map<std::pair<unsigned int, unsigned int>, const double *> by_element;
    for (const auto &from_rank : all)
      for (std::size_t k = 0; k + width <= from_rank.size(); k += width)
        by_element[{static_cast<unsigned int>(from_rank[k]),
                    static_cast<unsigned int>(from_rank[k + 1])}] = &from_rank[k + 2];
    for (std::size_t e = 0; e < elements.size(); ++e)
      {
        const Element           &el = elements[e];
        typename State::Element &st = state.elements[e];
        const auto               it = by_element.find({el.bolt, el.first_node});
        if (it == by_element.end())
          throw std::runtime_error("internal error: bolt " + std::to_string(el.bolt) +
                                   " element at node " + std::to_string(el.first_node) +
                                   " has no state after repartitioning");
        const double *saved = it->second;
        st.steel_plastic = st.steel_plastic_trial = saved[0];
        st.slip_plastic = st.slip_plastic_trial = {{saved[1], saved[2]}};
        st.host_reference                       = {{saved[3], saved[4]}};
        st.plate_reference                      = saved[5];
      }
    return state;
  }

  template <int dim>
  void BoltSet<dim>::commit_state(State &state) const
  {
    for (typename State::Element &st : state.elements)
      {
        st.steel_plastic = st.steel_plastic_trial;
        st.slip_plastic  = st.slip_plastic_trial;
      }
  }

  template <int dim>
  void BoltSet<dim>::revert_state(State &state) const
  {
    for (typename State::Element &st : state.elements)
      {
        st.steel_plastic_trial = st.steel_plastic;
        st.slip_plastic_trial  = st.slip_plastic;
      }
  }

  template <int dim>
  std::vector<double> BoltSet<dim>::collar_forces(const State &state) const
  {
    std::vector<double> force(bolt_pattern.lines.size(), 0.);
    for (std::size_t e = 0; e < elements.size(); ++e)
      if (elements[e].first_node == 0)
        force[elements[e].bolt] = state.elements[e].collar_force / scale(elements[e].bolt);
    std::vector<double> total(force.size());
    Utilities::MPI::sum(force, comm, total);
    return total;
  }

  template <int dim>
  void BoltSet<dim>::gather_results(const State                      &state,
                                    const PETScWrappers::MPI::Vector &u,
                                    std::vector<BoltResult>          &bolts,
                                    std::vector<ElementResult>       &results) const
  {
    const unsigned int  stride = 12;
    std::vector<double> packed;
    for (std::size_t e = 0; e < elements.size(); ++e)
      {
        const Element                 &el   = elements[e];
        const typename State::Element &st   = state.elements[e];
        const double                   w    = scale(el.bolt);
        double                         slip = 0, flow = 0;
        unsigned int                   n_bond = 0, n_slipping = 0;
        for (unsigned int q = 0; q < 2; ++q)
          if (el.bonded[q])
            {
              ++n_bond;
              slip += st.slip[q] / 2;
              if (std::abs(st.shear_flow[q]) > std::abs(flow))
                flow = st.shear_flow[q];
              n_slipping += st.bond_yield[q];
            }
        packed.insert(packed.end(),
                      {double(el.bolt),
                       double(el.first_node),
                       el.s0,
                       el.s1,
                       st.axial_force / w,
                       st.axial_strain,
                       slip,
                       flow / w,
                       double(n_bond > 0) + 2. * (n_bond > 0 && n_slipping == n_bond),
                       double(st.steel_yield),
                       st.collar_force / w,
                       double(Utilities::MPI::this_mpi_process(comm))});
      }
    const std::vector<double> all = collect(packed, comm, 0);
    bolts.clear();
    results.clear();
    if (Utilities::MPI::this_mpi_process(comm) != 0)
      return;

    for (std::size_t k = 0; k < all.size(); k += stride)
      {
        ElementResult r;
        r.bolt          = unsigned(all[k]);
        r.first_node    = unsigned(all[k + 1]);
        r.s0            = all[k + 2];
        r.s1            = all[k + 3];
        r.axial_force   = all[k + 4];
        r.axial_strain  = all[k + 5];
        r.slip          = all[k + 6];
        r.shear_flow    = all[k + 7];
        r.bonded        = int(all[k + 8]) & 1;
        r.bond_slipping = int(all[k + 8]) & 2;
        r.steel_yield   = all[k + 9] != 0;
        r.collar_force  = all[k + 10];
        r.rank          = unsigned(all[k + 11]);
        r.ruptured      = r.axial_strain > bolt_pattern.product.ultimate_strain;
        results.push_back(r);
      }
    std::sort(results.begin(), results.end(), [](const auto &a, const auto &b) {
      return std::make_pair(a.bolt, a.first_node) < std::make_pair(b.bolt, b.first_node);
    });

    const auto &lines = bolt_pattern.lines;
    bolts.resize(lines.size());
    for (unsigned int b = 0; b < lines.size(); ++b)
      {
        BoltResult &br = bolts[b];
        br.collar      = lines[b].collar;
        br.direction   = lines[b].direction;
        br.weight      = lines[b].weight;
        br.offset      = lines[b].offset;
        br.row         = lines[b].row;
        br.node_s.assign(n_nodes[b], 0.);
        br.node_displacement.assign(n_nodes[b], 0.);
        std::vector<types::global_dof_index> ids(n_nodes[b]);
        for (unsigned int i = 0; i < n_nodes[b]; ++i)
          ids[i] = bolt_dof(b, i);
        u.extract_subvector_to(ids, br.node_displacement);
      }
    for (const ElementResult &r : results)
      {
        BoltResult &br              = bolts[r.bolt];
        br.node_s[r.first_node]     = r.s0;
        br.node_s[r.first_node + 1] = r.s1;
        if (r.first_node == 0)
          br.head_force = r.collar_force;
        if (std::abs(r.axial_force) > std::abs(br.peak_force))
          {
            br.peak_force = r.axial_force;
            br.peak_s     = (r.s0 + r.s1) / 2;
          }
        if (std::find(br.ranks.begin(), br.ranks.end(), r.rank) == br.ranks.end())
          br.ranks.push_back(r.rank);
        br.yielded  = br.yielded || r.steel_yield;
        br.ruptured = br.ruptured || r.ruptured;
      }
    // Pulled out: on one side of the peak force, every bonded point slips.
    for (unsigned int b = 0; b < lines.size(); ++b)
      {
        BoltResult &br = bolts[b];
        br.utilisation = std::abs(br.peak_force) / bolt_pattern.product.yield_force;
        bool below_all = true, above_all = true, below_any = false, above_any = false;
        for (const ElementResult &r : results)
          if (r.bolt == b && r.bonded)
            {
              const bool below                = (r.s0 + r.s1) / 2 < br.peak_s;
              (below ? below_any : above_any) = true;
              (below ? below_all : above_all) = (below ? below_all : above_all) && r.bond_slipping;
            }
        br.pulled_out = (below_any && below_all) || (above_any && above_all);
      }
  }

  template class BoltSet<2>;
  template class BoltSet<3>;
} // namespace roofspan
