#pragma once

#include <roofspan/bolts/bolt_pattern.h>
#include <roofspan/solvers/system_numbering.h>

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_vector.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace roofspan
{
  class SystemMatrix;

  /**
   * The bolts of a case as embedded elements, independent of the mesh.
   *
   * Each bolt is a line through the host mesh, cut at the host cell faces;
   * each piece belongs to the cell (and so the rank) it lies in, and is
   * divided into two-node bolt elements. A bolt's axial displacements are
   * unknowns of their own, owned by the rank that holds its collar's cell
   * and numbered after that rank's rock rows (SystemNumbering); every rank
   * sees all of them as ghosts, so a bolt crossing rank boundaries is still
   * one bolt.
   *
   * Laws (scaled by BoltPattern::smearing() and the bolt's symmetry weight):
   *  - steel: elastic to the yield force, then linear kinematic hardening
   *    to the ultimate force at the ultimate strain (tension and
   *    compression), rupture reported past the ultimate strain;
   *  - bond (grout/rock interface): a spring per unit length between the bolt
   *    and the host's displacement along the bolt, elastic-perfectly plastic
   *    at the bond strength; along the whole bolt (fully grouted) or only over
   *    the anchor length (end anchored);
   *  - plate (if the product has one): a spring at the collar;
   *  - pretension (end anchored): an initial steel force at installation.
   * Displacements and slips count from installation: the host displacement
   * at installation is the bolts' reference.
   */
  template <int dim>
  class BoltSet
  {
  public:
    BoltSet(const BoltPattern<dim> &pattern, const std::string &case_file, MPI_Comm comm);

    /// Cuts the bolts by the locally owned cells, checks that every bolt
    /// lies inside the mesh (InputError otherwise), decides which rank owns
    /// each bolt's unknowns and evaluates the host shape functions along the
    /// bolts. Collective.
    void locate(const dealii::DoFHandler<dim> &dof_handler, const dealii::Mapping<dim> &mapping);

    /// The bolt unknowns this rank owns (padded to a multiple of dim, so that
    /// the matrix keeps its node blocks): what SystemNumbering appends after
    /// this rank's rock rows.
    dealii::types::global_dof_index n_owned_dofs() const
    {
      return n_padded_on_rank[my_rank];
    }

    /// Takes the system numbering (built with n_owned_dofs() of every rank):
    /// bolt unknowns and host cells' DoFs are then system indices. The
    /// numbering must outlive this object's use.
    void number(const SystemNumbering &numbering);

    /// Number of bolt unknowns, padding included (all ranks).
    dealii::types::global_dof_index n_dofs() const
    {
      return n_bolt_dofs;
    }

    /// All bolt unknowns (all ranks'), as system indices.
    dealii::IndexSet dof_index_set() const;

    /// The bolt unknowns' values in (bolt, node) order, from a vector that
    /// holds them all (ghosted): what repartitioning carries over.
    std::vector<double> values(const dealii::PETScWrappers::MPI::Vector &ghosted) const;

    /// Writes `values` (from values()) into this rank's bolt rows of `owned`.
    void set_owned_values(const std::vector<double>          &values,
                          dealii::PETScWrappers::MPI::Vector &owned) const;

    /// Adds the couplings of the locally owned bolt elements.
    void add_sparsity(dealii::DynamicSparsityPattern          &dsp,
                      const dealii::AffineConstraints<double> &constraints) const;

    /// Collar unknowns with an imposed pull-out displacement (verification),
    /// as (index, displacement at the end of the bolt stage).
    std::vector<std::pair<dealii::types::global_dof_index, double>> imposed_collar_values() const;

    /// What an analysis changes in the bolts, apart from their layout: one
    /// per analysis (AnalysisState), so that a strength-reduction trial owns
    /// its bolts' histories. Elements in the order of the locally owned
    /// bolt elements of this BoltSet.
    struct State
    {
      struct Element
      {
        // History: committed and trial.
        double                steel_plastic = 0, steel_plastic_trial = 0;
        std::array<double, 2> slip_plastic{}, slip_plastic_trial{};
        std::array<double, 2> host_reference{}; ///< host displacement at installation
        double                plate_reference = 0;
        // Last evaluation.
        double                axial_force = 0, axial_strain = 0;
        double                collar_force = 0; ///< first element: force into the collar node
        std::array<double, 2> slip{}, shear_flow{};
        std::array<bool, 2>   bond_yield{};
        bool                  steel_yield = false;
      };
      std::vector<Element> elements;
      bool                 installed = false;
      std::vector<double>  pretension_scale; ///< per bolt
      double               bond_factor = 1;  ///< strength reduction
    };

    /// The state before installation, with the bond strength divided by
    /// `strength_factor` (strength reduction).
    State initial_state(double strength_factor) const;

    /// After repartitioning: the state `old_state` of `old` (the same bolts
    /// located on the previous partition) on this BoltSet's elements,
    /// element by element, with its installation, pretension and strength
    /// reduction. Call after locate(). Collective.
    State transferred_state(const BoltSet<dim> &old, const State &old_state) const;

    /// Records the host displacement as the bolts' reference (installation).
    void install(State &state, const dealii::PETScWrappers::MPI::Vector &ghosted_solution) const;

    /// Adds the bolts' tangent (if `matrix`) and -internal force to `residual`,
    /// and the internal force to `internal_force`, at the displacement
    /// `ghosted_solution`; updates the trial state. Before installation the
    /// bolt unknowns only get a diagonal (they are idle).
    void assemble(State                                    &state,
                  const dealii::PETScWrappers::MPI::Vector &ghosted_solution,
                  const dealii::AffineConstraints<double>  &constraints,
                  SystemMatrix                             *matrix,
                  dealii::PETScWrappers::MPI::Vector       &residual,
                  dealii::PETScWrappers::MPI::Vector       &internal_force) const;

    /// For the Jacobian test: the unknowns (host cell and bolt) of every
    /// locally owned element, under the states its last evaluation found
    /// ("bond elastic", "bond slipping", "steel elastic", "steel yielding").
    /// Empty before installation.
    void element_state_dofs(
        const State                                                         &state,
        std::map<std::string, std::vector<dealii::types::global_dof_index>> &dofs) const;

    /// Bolt unknowns that carry only a diagonal: the padding, and every bolt
    /// unknown before installation (as global indices).
    std::vector<dealii::types::global_dof_index> idle_dofs(const State &state) const;

    /// Pretension (end-anchored bolts): the bar carries an initial force
    /// N0 = pretension x scale; plate, anchor and rock then deform under it
    /// and the bar loses part of it. The installation stage adjusts each
    /// bolt's scale until the locked-in collar force equals the pretension,
    /// as tensioning with a jack does.
    void scale_pretension(State &state, const std::vector<double> &factor) const;

    /// Accepts the trial state (converged load step) / drops it.
    void commit_state(State &state) const;
    void revert_state(State &state) const;

    /// Results of one bolt element (gathered on rank 0; per bolt, not per
    /// metre).
    struct ElementResult
    {
      unsigned int bolt = 0, first_node = 0;
      double       s0 = 0, s1 = 0;
      double       axial_force   = 0; ///< N, tension positive
      double       collar_force  = 0; ///< first element only: force at s = 0
      unsigned int rank          = 0; ///< MPI rank that owns the element
      double       axial_strain  = 0;
      double       slip          = 0; ///< m, mean of the element's bond points
      double       shear_flow    = 0; ///< N/m, the larger magnitude of its points
      bool         bonded        = false;
      bool         bond_slipping = false; ///< every bonded point at the bond strength
      bool         steel_yield   = false;
      bool         ruptured      = false;
    };

    /// Results of one bolt (rank 0).
    struct BoltResult
    {
      dealii::Point<dim>        collar;
      dealii::Tensor<1, dim>    direction;
      double                    weight = 1, offset = 0, row = 0;
      double                    peak_force = 0, peak_s = 0;
      double                    head_force  = 0; ///< axial force at the collar
      double                    utilisation = 0; ///< peak force / yield force
      bool                      yielded = false, pulled_out = false, ruptured = false;
      std::vector<double>       node_s, node_displacement;
      std::vector<unsigned int> ranks; ///< MPI ranks holding its elements
    };

    /// Axial force at each bolt's collar (what a pull-out jack or the plate
    /// carries), per bolt (collective; from the last evaluation).
    std::vector<double> collar_forces(const State &state) const;

    /// Gathers everything on rank 0 (collective; empty elsewhere).
    void gather_results(const State                              &state,
                        const dealii::PETScWrappers::MPI::Vector &ghosted_solution,
                        std::vector<BoltResult>                  &bolts,
                        std::vector<ElementResult>               &elements) const;

    const BoltPattern<dim> &pattern() const
    {
      return bolt_pattern;
    }

    unsigned int n_elements() const
    {
      return n_global_elements;
    }

  private:
    struct Element
    {
      unsigned int                                           bolt = 0, first_node = 0;
      double                                                 s0 = 0, s1 = 0;
      typename dealii::DoFHandler<dim>::active_cell_iterator cell;
      std::array<double, 2>                                  s_q{};
      std::array<bool, 2>                                    bonded{};
      std::vector<double> host_shape;  ///< [q * dofs_per_cell + i]: N_i(x_q) (t . e_ci)
      std::vector<double> plate_shape; ///< at the collar, if this element has the plate
    };

    dealii::types::global_dof_index bolt_dof(unsigned int bolt, unsigned int node) const
    {
      return numbering->first_extra(owner[bolt]) + node_offset[bolt] + node;
    }

    /// The system indices of a host cell's DoFs, followed by room for an
    /// element's two bolt unknowns.
    void host_dof_indices(const Element &el, std::vector<dealii::types::global_dof_index> &) const;

    /// Scale of one bolt: smearing x symmetry weight.
    double scale(unsigned int bolt) const;

    BoltPattern<dim>               bolt_pattern;
    std::string                    case_file;
    MPI_Comm                       comm;
    const dealii::DoFHandler<dim> *dof_handler = nullptr;
    const SystemNumbering         *numbering   = nullptr;
    unsigned int                   my_rank     = 0;
    std::vector<Element>           elements; ///< locally owned
    /// Per bolt: the rank owning its unknowns, its first node within that
    /// rank's bolt rows, its number of nodes.
    std::vector<unsigned int> owner, node_offset, n_nodes;
    /// Per rank: bolt unknowns in use, and with the padding.
    std::vector<dealii::types::global_dof_index> n_real_on_rank, n_padded_on_rank;
    dealii::types::global_dof_index              n_bolt_dofs       = 0;
    unsigned int                                 n_global_elements = 0;
    double                                       idle_diagonal     = 1;
  };
} // namespace roofspan
