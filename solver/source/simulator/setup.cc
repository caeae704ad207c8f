#include <roofspan/core/input_error.h>
#include <roofspan/core/model_size.h>
#include <roofspan/core/phase_profile.h>
#include <roofspan/geometry/coarse_cell_list.h>
#include <roofspan/loads/rigid_body_check.h>
#include <roofspan/simulator/contact_layer_constraints.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria_description.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    // Boundary id of the faces where a fully distributed mesh's ghost layer
    // ends (no model uses it).
    constexpr types::boundary_id ghost_layer_end_id = numbers::internal_face_boundary_id - 1;
  } // namespace

  template <int dim>
  void Simulator<dim>::make_mesh()
  {
    if (mesh != nullptr)
      return;
    mesh_phases.clear();
    PhaseProfile profile(mpi_communicator, std::cout, "mesh", &mesh_phases);
    // Refuse a model that cannot fit before refining it: every rank has the
    // same coarse mesh, so every rank reaches the same verdict.
    const double memory_available    = memory_limit_bytes(memory_limit, mpi_communicator);
    const auto   refuse_if_too_large = [&](const double coarse_cells) {
      const ModelSize size = ModelSize::estimate(coarse_cells,
                                                 global_refinements,
                                                 dim,
                                                 degree,
                                                 Utilities::MPI::n_mpi_processes(mpi_communicator));
      // Without refinements the coarse mesh itself is too fine: its cell sizes.
      require(size.bytes <= memory_available,
              case_file,
              global_refinements > 0 ? "Discretization/Global refinements" :
                                         "the cell sizes of the mesh (Geometry)",
              std::to_string(global_refinements) + " refinements of " +
                  format_number(coarse_cells) + " coarse cells give " + size.describe() +
                  " (estimate), more than the " +
                  format_number(std::round(memory_available / (1024. * 1024. * 1024.))) +
                  " GiB this run may use ('Discretization/Memory limit = " + memory_limit +
                  "'); use " + (global_refinements > 0 ? "fewer refinements" : "larger cells") +
                  " or more nodes, or raise the limit");
    };
    // From the parameters alone, before the coarse mesh can exhaust the memory.
    if (geometry->estimated_coarse_cells() > 0)
      refuse_if_too_large(geometry->estimated_coarse_cells());
    if (load_balancing.repartition_at_installation)
      {
        // p4est: the coarse mesh on every rank, refined as a forest.
        geometry->create_coarse_mesh(p4est_mesh);
        profile.lap("coarse (" + std::to_string(p4est_mesh.n_cells()) + " cells, p4est)");
        refuse_if_too_large(p4est_mesh.n_cells());
        p4est_mesh.refine_global(global_refinements);
        profile.lap("refine");
        mesh        = &p4est_mesh;
        mesh_reader = "coarse mesh on every rank, refined as a p4est forest";
      }
    else
      {
        // Fully distributed: each rank keeps its own cells and one layer of
        // ghosts. An unrefined Gmsh mesh (ASCII) gives its cells as a plain list,
        // cut by coordinate bisection: no rank builds or partitions a
        // Triangulation of the whole mesh (the bench drift, 436 k cells, 2
        // ranks: 8.7 s -> 3.25 s).
        // Built-in shapes and refined meshes build the serial mesh on every
        // rank and keep deal.II's description of it, z-order partitioned:
        // the partition runs on the coarse cells and the parts keep the
        // refinement hierarchy. Flattening a refined block of 444 k cells
        // into a list instead was slower (mesh 2.2 s -> 3.2 s): creating
        // coarse cells costs more than refining them.
        const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(mpi_communicator);
        TriangulationDescription::Description<dim, dim> description;
        CoarseCellList<dim>                             cell_list;
        if (global_refinements == 0 && geometry->read_cell_list(cell_list))
          {
            profile.lap("cell list from the mesh file (" + std::to_string(cell_list.cells.size()) +
                        " cells)");
            refuse_if_too_large(cell_list.cells.size());
            mesh_reader = "mesh file read as a cell list, cut by coordinate bisection";
            const std::vector<unsigned int> owner = cell_list.partition(n_ranks);
            profile.lap("partition (coordinate bisection)");
            description =
                cell_list.describe_part(owner,
                                        Utilities::MPI::this_mpi_process(mpi_communicator),
                                        mpi_communicator);
            cell_list = CoarseCellList<dim>();
          }
        else
          {
            mesh_reader = "serial mesh on every rank, z-order partition";
            description = TriangulationDescription::Utilities::
                create_description_from_triangulation_in_groups<dim, dim>(
                    [&](Triangulation<dim> &serial) {
                      geometry->create_coarse_mesh(serial);
                      refuse_if_too_large(serial.n_active_cells());
                      serial.refine_global(global_refinements);
                      // Boundary ids + 1: id 0 then marks the faces where a
                      // rank's ghost layer ends (see below), never a real
                      // boundary.
                      for (const auto &face : serial.active_face_iterators())
                        if (face->at_boundary())
                          face->set_boundary_id(face->boundary_id() + 1);
                      profile.lap("serial mesh (" + std::to_string(serial.n_active_cells()) +
                                  " cells)");
                    },
                    [&](Triangulation<dim> &serial, const MPI_Comm comm, const unsigned int) {
                      GridTools::partition_triangulation_zorder(
                          Utilities::MPI::n_mpi_processes(comm), serial);
                      profile.lap("partition");
                    },
                    mpi_communicator,
                    1);
          }
        profile.lap("description of this rank's part");
        geometry->attach_manifolds(fully_distributed_mesh);
        fully_distributed_mesh.create_triangulation(description);
        // A fully distributed mesh has no cells beyond the ghost layer: the
        // ghost layer's outer faces look like boundary faces with id 0. They
        // must not take a boundary condition (a rank would constrain DoFs
        // that are free), so they get an id no condition uses; real
        // boundaries get their ids back.
        for (const auto &face : fully_distributed_mesh.active_face_iterators())
          if (face->at_boundary())
            face->set_boundary_id(face->boundary_id() == 0 ? ghost_layer_end_id :
                                                             face->boundary_id() - 1);
        profile.lap("fully distributed mesh");
        mesh = &fully_distributed_mesh;
      }
    dof_handler.reinit(*mesh);

    // Curved boundaries need the geometry at the element's order; straight
    // ones are exact with Q1 geometry (and allow cached cell matrices).
    if (geometry->has_curved_boundaries())
      mapping = std::make_unique<MappingQ<dim>>(degree);
    else
      mapping = std::make_unique<MappingQ1<dim>>();
    check_mesh();
  }

  template <int dim>
  std::optional<Point<dim>>
  Simulator<dim>::unit_point_in(const typename Triangulation<dim>::cell_iterator &cell,
                                const Point<dim>                                 &point) const
  {
    if (!cell->bounding_box().point_inside(point, 1e-8 * (1 + point.norm())))
      return std::nullopt;
    Point<dim> unit;
    try
      {
        unit = mapping->transform_real_to_unit_cell(cell, point);
      }
    catch (...)
      {
        return std::nullopt; // the mapping cannot be inverted there: not inside
      }
    if (!GeometryInfo<dim>::is_inside_unit_cell(unit, 1e-8))
      return std::nullopt;
    return GeometryInfo<dim>::project_to_unit_cell(unit);
  }

  template <int dim>
  void Simulator<dim>::check_mesh()
  {
    // Probe points must lie in the rock: a point in the opening or beyond
    // the model is an input error now, not an "error" entry after the run.
    for (const auto &[name, point] : probes)
      {
        bool inside = false;
        for (const auto &cell : mesh->active_cell_iterators())
          if (cell->is_locally_owned() && unit_point_in(cell, point))
            {
              inside = true;
              break;
            }
        std::ostringstream where;
        for (unsigned int d = 0; d < dim; ++d)
          where << (d ? " " : "") << point[d];
        require(Utilities::MPI::logical_or(inside, mpi_communicator),
                case_file,
                "Output/Probe points",
                "point '" + name + "' (" + where.str() +
                    ") lies outside the rock (in the opening or beyond the model)");
      }

    // A contact layer must be one cell of its unit's Layer thickness (the
    // built-in geometries make it so; only a Gmsh region may not be).
    std::map<types::material_id, double> contact_thickness;
    std::string                          contact_units;
    for (const auto &[id, region] : geometry->regions)
      if (contact_materials.count(id))
        {
          contact_thickness[id] = library.unit(region.unit, case_file, "").contact_thickness;
          contact_units += (contact_units.empty() ? "'" : ", '") + region.unit + "'";
        }
    const double mismatch =
        Utilities::MPI::max(contact_layer_thickness_mismatch(*mesh, contact_thickness),
                            mpi_communicator);
    require(mismatch <= 0.01,
            case_file,
            "Geometry/Gmsh/Mesh file",
            "the cells of contact unit(s) " + contact_units +
                " must form a layer one cell thick of the unit's Layer thickness; a cell's "
                "thickness differs from it by " +
                format_number(std::round(1000 * mismatch) / 10) +
                " % (a contact's stiffness is k t over that thickness)");

    // A roof with fewer than 6 node intervals across the span cannot resolve
    // the bending of its layers: a warning, as the user may want a quick look.
    const auto &surface = geometry->bolt_surface;
    if (geometry->roof.present && surface.present && surface.span > 0)
      {
        double largest = 0;
        for (const auto &cell : mesh->active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto &face : cell->face_iterators())
              if (face->at_boundary() && face->boundary_id() == geometry->roof.boundary &&
                  std::abs(face->center()[dim - 1] - geometry->roof.elevation) < 1e-6)
                {
                  // Size across the span: the face's shorter horizontal
                  // extent (in 3D elements are often long along the drift).
                  const auto box  = face->bounding_box();
                  double     size = box.side_length(0);
                  if (dim == 3)
                    size = std::min(size, box.side_length(1));
                  largest = std::max(largest, size);
                }
        largest = Utilities::MPI::max(largest, mpi_communicator);
        // Symmetric models hold half the span.
        const double modelled_span =
            surface.mirror_planes.empty() ? surface.span : 0.5 * surface.span;
        // Node intervals across the span: Q2 elements bend like two Q1s.
        const double intervals = degree * modelled_span / largest;
        if (largest > 0 && intervals < 6)
          warnings.push_back("mesh too coarse for the opening: elements up to " +
                             format_number(largest) + " m along the roof, about " +
                             format_number(std::round(10 * intervals / degree) / 10) + " Q" +
                             std::to_string(degree) + " elements across the modelled " +
                             format_number(modelled_span) +
                             " m of span (6 node intervals or more resolve the roof's "
                             "bending; raise 'Discretization/Global refinements')");
      }
  }

  template <int dim>
  std::vector<std::string> Simulator<dim>::validate()
  {
    make_mesh();
    if (!bolt_pattern.present())
      return warnings;
    fe = std::make_unique<FESystem<dim>>(FE_Q<dim>(degree), dim);
    dof_handler.distribute_dofs(*fe);
    BoltSet<dim>(bolt_pattern, case_file, mpi_communicator).locate(dof_handler, *mapping);
    return warnings;
  }

  template <int dim>
  void Simulator<dim>::setup_system()
  {
    TimerOutput::Scope t(*computing_timer, "setup");
    Timer              timer(mpi_communicator, true);

    PhaseProfile profile(mpi_communicator, std::cout, "setup");
    const auto   lap = [&](const char *what) { profile.lap(what); };
    fixed_load       = FixedLoadCache(); // cells and DoFs change: refilled on first assembly
    fe               = std::make_unique<FESystem<dim>>(FE_Q<dim>(degree), dim);
    dof_handler.distribute_dofs(*fe);
    // No renumbering: deal.II numbers the dim components of each node
    // consecutively, which the AMG block size relies on (checked in solve.cc).
    lap("distribute dofs");
    rock_owned_dofs = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, rock_relevant_dofs);

    // Bolt unknowns: owned by the rank holding the bolt's collar, after its
    // rock rows (SystemNumbering); ghosts everywhere else. Each rank's rows
    // stay contiguous, as PETSc and hypre need, and no rank holds them all.
    if (bolt_pattern.present())
      {
        bolts = std::make_unique<BoltSet<dim>>(bolt_pattern, case_file, mpi_communicator);
        bolts->locate(dof_handler, *mapping);
      }
    numbering =
        SystemNumbering(rock_owned_dofs, bolts ? bolts->n_owned_dofs() : 0, mpi_communicator);
    locally_owned_dofs    = numbering.owned();
    locally_relevant_dofs = numbering.of_rock(rock_relevant_dofs);
    if (bolts)
      {
        bolts->number(numbering);
        locally_relevant_dofs.add_indices(bolts->dof_index_set());
        lap("bolts");
      }

    // Newton corrections satisfy homogeneous constraints; the prescribed
    // values (scaled by the load factor) are kept apart, see impose_values().
    // deal.II builds them in rock numbering; they are kept in system numbering.
    {
      AffineConstraints<double> full(rock_relevant_dofs);
      DoFTools::make_hanging_node_constraints(dof_handler, full);
      boundary_conditions.apply(dof_handler, *mapping, full);
      add_contact_layer_constraints(dof_handler, contact_materials, full);
      full.close();
      // A model the conditions do not hold has a singular stiffness: refused
      // as input, before the solver fails on it.
      const std::string motions = free_rigid_motions(
          dof_handler, *mapping, full, rock_owned_dofs, rock_relevant_dofs, mpi_communicator);
      require(motions.empty(),
              case_file,
              "Boundary conditions/Conditions",
              "the boundary conditions do not hold the model: it can move as a rigid body (" +
                  motions +
                  "); fix, roll or prescribe the displacement of enough boundaries (a roller "
                  "or symmetry plane holds only its normal direction)");
      bool finite = true;
      for (const auto &line : full.get_lines())
        finite = finite && std::isfinite(line.inhomogeneity);
      require(!Utilities::MPI::logical_or(!finite, mpi_communicator),
              case_file,
              "Boundary conditions/Displacement function/Function expression",
              "gives a value on the boundary that is not a finite number (e.g. the square "
              "root of a negative number, a division by zero)");
      constraints.clear();
      constraints.reinit(locally_relevant_dofs);
      prescribed_values.clear();
      std::vector<std::pair<types::global_dof_index, double>> entries;
      for (const auto &line : full.get_lines())
        {
          const types::global_dof_index index = numbering.of_rock(line.index);
          entries.clear();
          for (const auto &[column, weight] : line.entries)
            entries.emplace_back(numbering.of_rock(column), weight);
          constraints.add_line(index);
          constraints.add_entries(index, entries);
          if (line.inhomogeneity != 0)
            {
              if (!line.entries.empty())
                throw std::runtime_error("internal error: inhomogeneous constraint with entries");
              prescribed_values.push_back({index, line.inhomogeneity, false});
            }
        }
      if (bolts)
        for (const auto &[index, value] : bolts->imposed_collar_values())
          {
            constraints.add_line(index);
            prescribed_values.push_back({index, value, true});
          }
      constraints.close();
    }
    lap("constraints");

    // Linear solver/Operator: matrix-free where it applies.
    {
      const bool applies = matrix_free_obstacle().empty() && !jacobian_check_enabled;
      use_matrix_free    = applies && (linear_solver.operator_type() == "matrix-free" ||
                                    (linear_solver.operator_type() == "auto" && !plastic &&
                                     !bolts && dof_handler.n_dofs() >= 200000));
      matrix_free_elasticity.reset();
    }

    // Laid out again in place: problems keep their reference to it.
    if (!workspace)
      workspace = std::make_unique<AssemblyWorkspace>();
    make_workspace(*workspace);
    lap("matrix");
    n_q_points = Utilities::fixed_power<dim>(degree + 1);

    timer.stop();
    setup_seconds += timer.last_wall_time(); // again after each repartitioning
    std::string per_rank;
    for (const auto n : bolt_unknowns_per_rank())
      per_rank += (per_rank.empty() ? "" : "/") + std::to_string(n);
    pcout << "  mesh: " << mesh->n_global_active_cells() << " cells, " << dof_handler.n_dofs()
          << " DoFs"
          << (bolts ? " + " + std::to_string(bolts->n_dofs()) + " bolt unknowns (" +
                          std::to_string(bolts->n_elements()) + " bolt elements; per rank " +
                          per_rank + ")" :
                      std::string())
          << "; setup " << timer.last_wall_time() << " s\n";
  }

  template <int dim>
  std::vector<types::global_dof_index> Simulator<dim>::bolt_unknowns_per_rank() const
  {
    std::vector<types::global_dof_index> counts;
    for (unsigned int p = 0; p < Utilities::MPI::n_mpi_processes(mpi_communicator); ++p)
      counts.push_back(numbering.n_extra(p));
    return counts;
  }

  template <int dim>
  void
  Simulator<dim>::system_dof_indices(const typename DoFHandler<dim>::active_cell_iterator &cell,
                                     std::vector<types::global_dof_index> &indices) const
  {
    cell->get_dof_indices(indices);
    numbering.of_rock(indices);
  }

  template <int dim>
  void Simulator<dim>::make_workspace(AssemblyWorkspace &ws) const
  {
    SystemMatrix &matrix = ws.system_matrix;
    if (!use_matrix_free)
      {
        matrix.keep_pattern(bolts != nullptr || plastic);
        matrix.set_symmetric(symmetric_tangent);
        matrix.set_layout(linear_solver.preconditioner_name() == "boomeramg" ?
                              SystemMatrix::Layout::hypre_parcsr :
                              SystemMatrix::Layout::petsc_aij);
        make_matrix(matrix);
      }
    else if (bolts)
      {
        // Matrix-free with bolts: the matrix holds the bolts' part (their
        // rows and the rock rows of their host cells); the diagonal of
        // every row keeps the pattern what SystemMatrix expects.
        matrix.keep_pattern(true);
        matrix.set_layout(SystemMatrix::Layout::petsc_aij);
        DynamicSparsityPattern pattern(locally_relevant_dofs);
        for (const auto row : locally_owned_dofs)
          pattern.add(row, row);
        bolts->add_sparsity(pattern, constraints);
        SparsityTools::distribute_sparsity_pattern(pattern,
                                                   locally_owned_dofs,
                                                   mpi_communicator,
                                                   locally_relevant_dofs);
        matrix.create(locally_owned_dofs, pattern, dim, mpi_communicator);
      }
    ws.system_rhs.reinit(locally_owned_dofs, mpi_communicator);
    ws.internal_force.reinit(locally_owned_dofs, mpi_communicator);
    ws.external_force.reinit(locally_owned_dofs, mpi_communicator);
    ws.point_tangents.clear();
    ws.cell_branches.clear();
    ws.cell_branch_sequence.clear();
    ws.branch_points.clear();
    ws.local_failure_place.clear();
    ws.step_constraints.clear();
  }

  template <int dim>
  void Simulator<dim>::make_matrix(SystemMatrix &matrix) const
  {
    PhaseProfile profile(mpi_communicator, std::cout, "setup");
    // The dim unknowns of a node are numbered consecutively (checked in
    // solve.cc), so the pattern comes in dim x dim blocks: built between
    // nodes, it costs dim^2 times less. Constraints only remove entries (the
    // node pattern then holds explicit zeros), unless one couples two nodes
    // (hanging nodes): then the DoF pattern is built with the constraints.
    const types::global_dof_index n_total = locally_owned_dofs.size();
    bool                          by_node = n_total % dim == 0;
    for (const auto &line : constraints.get_lines())
      for (const auto &entry : line.entries)
        by_node = by_node && entry.first / dim == line.index / dim;
    by_node = !Utilities::MPI::logical_or(!by_node, mpi_communicator);

    std::vector<types::global_dof_index> dof_indices(fe->n_dofs_per_cell());
    const unsigned int                   block = linear_solver.block_size(dim);
    if (!by_node)
      {
        DynamicSparsityPattern dsp(locally_relevant_dofs);
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              system_dof_indices(cell, dof_indices);
              constraints.add_entries_local_to_global(dof_indices, dsp, false);
            }
        if (bolts)
          bolts->add_sparsity(dsp, constraints);
        SparsityTools::distribute_sparsity_pattern(dsp,
                                                   locally_owned_dofs,
                                                   mpi_communicator,
                                                   locally_relevant_dofs);
        profile.lap("sparsity pattern (DoFs)");
        matrix.create(locally_owned_dofs, dsp, block, mpi_communicator);
        return;
      }

    const auto to_nodes = [&](const IndexSet &dofs) {
      IndexSet                             nodes(n_total / dim);
      std::vector<types::global_dof_index> list;
      list.reserve(dofs.n_elements() / dim + 1);
      for (auto range = dofs.begin_intervals(); range != dofs.end_intervals(); ++range)
        for (types::global_dof_index i = *range->begin() / dim; i <= range->last() / dim; ++i)
          list.push_back(i);
      list.erase(std::unique(list.begin(), list.end()), list.end());
      nodes.add_indices(list.begin(), list.end());
      nodes.compress();
      return nodes;
    };
    const IndexSet                       owned_nodes    = to_nodes(locally_owned_dofs);
    const IndexSet                       relevant_nodes = to_nodes(locally_relevant_dofs);
    DynamicSparsityPattern               nodes(relevant_nodes);
    std::vector<types::global_dof_index> cell_nodes;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          system_dof_indices(cell, dof_indices);
          cell_nodes.clear();
          for (const auto i : dof_indices)
            cell_nodes.push_back(i / dim);
          std::sort(cell_nodes.begin(), cell_nodes.end());
          cell_nodes.erase(std::unique(cell_nodes.begin(), cell_nodes.end()), cell_nodes.end());
          for (const auto row : cell_nodes)
            nodes.add_entries(row, cell_nodes.begin(), cell_nodes.end(), true);
        }
    if (bolts)
      {
        DynamicSparsityPattern bolt_pattern(locally_relevant_dofs);
        bolts->add_sparsity(bolt_pattern, constraints);
        for (const auto row : locally_relevant_dofs)
          for (auto it = bolt_pattern.begin(row); it != bolt_pattern.end(row); ++it)
            nodes.add(row / dim, it->column() / dim);
      }
    SparsityTools::distribute_sparsity_pattern(nodes,
                                               owned_nodes,
                                               mpi_communicator,
                                               relevant_nodes);
    profile.lap("sparsity pattern (nodes)");

    // Rows and columns of constrained DoFs keep only the diagonal, as the
    // DoF pattern built with the constraints would: explicit zeros there
    // cost hypre about 15 % in setup and CG (measured). One bit per DoF.
    std::vector<bool> constrained(n_total, false);
    for (const auto &line : constraints.get_lines())
      constrained[line.index] = true;
    types::global_dof_index              node_of_columns = numbers::invalid_dof_index;
    std::vector<types::global_dof_index> node_columns;
    matrix.create(
        locally_owned_dofs,
        [&](const types::global_dof_index row, std::vector<types::global_dof_index> &columns) {
          if (constrained[row])
            {
              columns.assign(1, row);
              return;
            }
          const types::global_dof_index node = row / dim;
          if (node != node_of_columns)
            {
              node_columns.clear();
              const unsigned int length = nodes.row_length(node);
              for (unsigned int k = 0; k < length; ++k)
                for (unsigned int d = 0; d < dim; ++d)
                  {
                    const types::global_dof_index column = nodes.column_number(node, k) * dim + d;
                    if (!constrained[column])
                      node_columns.push_back(column);
                  }
              node_of_columns = node;
            }
          columns = node_columns;
        },
        block,
        mpi_communicator);
  }

  template std::vector<std::string> Simulator<2>::validate();
  template std::vector<std::string> Simulator<3>::validate();
  template void                     Simulator<2>::make_mesh();
  template void                     Simulator<2>::check_mesh();
  template void                     Simulator<3>::check_mesh();
  template void                     Simulator<3>::make_mesh();
  template void                     Simulator<2>::setup_system();
  template void                     Simulator<3>::setup_system();
  template void                     Simulator<2>::make_workspace(AssemblyWorkspace &) const;
  template void                     Simulator<3>::make_workspace(AssemblyWorkspace &) const;
  template void                     Simulator<2>::make_matrix(SystemMatrix &) const;
  template void                     Simulator<3>::make_matrix(SystemMatrix &) const;
  template std::vector<types::global_dof_index> Simulator<2>::bolt_unknowns_per_rank() const;
  template std::vector<types::global_dof_index> Simulator<3>::bolt_unknowns_per_rank() const;
  template void Simulator<2>::system_dof_indices(const DoFHandler<2>::active_cell_iterator &,
                                                 std::vector<types::global_dof_index> &) const;
  template void Simulator<3>::system_dof_indices(const DoFHandler<3>::active_cell_iterator &,
                                                 std::vector<types::global_dof_index> &) const;
} // namespace roofspan
