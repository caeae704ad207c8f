#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/phase_profile.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/solvers/linear_solver.h>
#include <roofspan/solvers/matrix_free_elasticity.h>
#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/diagonal_matrix.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/lac/precondition.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/matrix_free/fe_evaluation.h>
#include <deal.II/matrix_free/matrix_free.h>
#include <deal.II/matrix_free/tools.h>
#include <deal.II/multigrid/mg_base.h>
#include <deal.II/multigrid/mg_transfer_global_coarsening.h>
#include <deal.II/multigrid/multigrid.h>

#include <petscksp.h>
#include <petscmat.h>

#include <cmath>
#include <iostream>
#include <limits>

namespace roofspan
{
  namespace
  {
    // Matrix-free cannot fall back to the direct solver: say what can help.
    const char *const matrix_free_remedy =
        "raise 'Linear solver/Maximum iterations', or use 'Linear solver/Operator = assembled' "
        "(which can use 'Preconditioner = direct' for small models)";
  } // namespace

  using namespace dealii;

  namespace
  {
    using VectorType = LinearAlgebra::distributed::Vector<double>;

    void check(const PetscErrorCode code, const char *call)
    {
      if (code != 0)
        throw LinearSolverFailure(std::string("PETSc call failed in the multigrid coarse "
                                              "level: ") +
                                  call + " (error " + std::to_string(code) + ")");
    }
#define ROOFSPAN_PETSC(call) check((call), #call)

    /// The strain of a shape function of FESystem(FE_Q, dim) (one nonzero
    /// component c, gradient g), embedded in 3D (plane strain).
    template <int dim>
    SymmetricTensor<2, 3> shape_strain(const unsigned int c, const Tensor<1, dim> &g)
    {
      SymmetricTensor<2, 3> b;
      for (unsigned int d = 0; d < dim; ++d)
        b[c][d] += (d == c ? 1. : 0.5) * g[d];
      return b;
    }

    /**
     * What the multigrid levels are built from: the Lame constants of each
     * cell's material, or, when `tangents` is set, the tangent stored at the
     * points of the fine quadrature [active cell index * n_q + q].
     */
    template <int dim>
    struct LevelStiffness
    {
      typename MatrixFreeElasticity<dim>::LameConstants lame;
      const std::vector<SymmetricTensor<4, 3>>         *tangents = nullptr;
      unsigned int                                      n_q      = 0;

      /// b_i : C : b_j at fine point q of `cell` (fine quadrature only).
      template <typename Cell>
      double form(const Cell           &cell,
                  const unsigned int    q,
                  const unsigned int    ci,
                  const Tensor<1, dim> &gi,
                  const unsigned int    cj,
                  const Tensor<1, dim> &gj) const
      {
        if (tangents == nullptr)
          {
            const auto [l, m] = lame(cell->material_id());
            return LinearElastic::form(l, m, gi, ci, gj, cj);
          }
        const SymmetricTensor<4, 3> &C = (*tangents)[size_t(cell->active_cell_index()) * n_q + q];
        return shape_strain<dim>(ci, gi) * (C * shape_strain<dim>(cj, gj));
      }

      /// The cell's tangent averaged over its points with the quadrature
      /// weights (`weights`, summing to 1), or the elastic one.
      template <typename Cell>
      SymmetricTensor<4, 3> cell_mean(const Cell &cell, const std::vector<double> &weights) const
      {
        if (tangents == nullptr)
          {
            const auto [l, m] = lame(cell->material_id());
            return LinearElastic::tangent(l, m);
          }
        SymmetricTensor<4, 3> mean;
        for (unsigned int q = 0; q < n_q; ++q)
          mean += weights[q] * (*tangents)[size_t(cell->active_cell_index()) * n_q + q];
        return mean;
      }
    };

    /**
     * Linear elasticity, sigma = lambda tr(eps) I + 2 mu eps, with Lame
     * constants per cell, or the plastic tangent, sigma = C : eps with C
     * stored per quadrature point, as a MatrixFree operator of degree
     * `degree`; identity rows on the DoFs with (homogeneous) Dirichlet
     * constraints.
     */
    template <int dim, int degree>
    class ElasticOperator : public Subscriptor
    {
    public:
      using value_type = double;
      using size_type  = types::global_dof_index;
      using Evaluation = FEEvaluation<dim, degree, degree + 1, dim, double>;

      void reinit(const Mapping<dim>                                      &mapping,
                  const DoFHandler<dim>                                   &dof_handler,
                  const AffineConstraints<double>                         &constraints,
                  const typename MatrixFreeElasticity<dim>::LameConstants &lame)
      {
        typename MatrixFree<dim, double>::AdditionalData data;
        data.tasks_parallel_scheme = MatrixFree<dim, double>::AdditionalData::none;
        data.mapping_update_flags  = update_gradients | update_JxW_values;
        matrix_free.reinit(mapping, dof_handler, constraints, QGauss<1>(degree + 1), data);
        lambda.resize(matrix_free.n_cell_batches());
        mu.resize(matrix_free.n_cell_batches());
        active_cell.resize(matrix_free.n_cell_batches() * n_lanes);
        for (unsigned int batch = 0; batch < matrix_free.n_cell_batches(); ++batch)
          for (unsigned int lane = 0; lane < n_lanes; ++lane)
            {
              // Unfilled lanes repeat the first cell (never summed).
              const unsigned int filled = matrix_free.n_active_entries_per_cell_batch(batch);
              const auto cell     = matrix_free.get_cell_iterator(batch, lane < filled ? lane : 0);
              const auto [l, m]   = lame(cell->material_id());
              lambda[batch][lane] = l;
              mu[batch][lane]     = m;
              active_cell[batch * n_lanes + lane] = cell->active_cell_index();
            }
        constrained = matrix_free.get_constrained_dofs();
      }

      void initialize_dof_vector(VectorType &vector) const
      {
        matrix_free.initialize_dof_vector(vector);
      }

      size_type m() const
      {
        return matrix_free.get_vector_partitioner()->size();
      }

      void vmult(VectorType &dst, const VectorType &src) const
      {
        matrix_free.cell_loop(&ElasticOperator::apply_cells, this, dst, src, true);
        for (const unsigned int i : constrained)
          dst.local_element(i) = src.local_element(i);
      }
      /// dst = K src over every DoF of src, constrained ones included, into
      /// the free rows: the coupling of prescribed values to the free DoFs.
      void vmult_unconstrained_source(VectorType &dst, const VectorType &src) const
      {
        matrix_free.template cell_loop<VectorType, VectorType>(
            [this](const MatrixFree<dim, double>               &data,
                   VectorType                                  &out,
                   const VectorType                            &in,
                   const std::pair<unsigned int, unsigned int> &cells) {
              Evaluation phi(data);
              for (unsigned int cell = cells.first; cell < cells.second; ++cell)
                {
                  phi.reinit(cell);
                  phi.read_dof_values_plain(in);
                  apply_cell(phi);
                  phi.distribute_local_to_global(out);
                }
            },
            dst,
            src,
            true);
      }

      void Tvmult(VectorType &dst, const VectorType &src) const
      {
        vmult(dst, src); // symmetric (elastic); nothing transposes a tangent
      }

      /// Chebyshev's interface; it gets the inverse diagonal instead.
      double el(size_type, size_type) const
      {
        throw std::logic_error("ElasticOperator::el: not available");
      }
      /// The tangent at the points from now on (nullptr: the Lame constants).
      void set_point_tangents(const std::vector<SymmetricTensor<4, 3>> *tangents)
      {
        point_tangents = tangents;
      }

      /// The cell's stiffness applied at the quadrature points.
      void apply_cell(Evaluation &phi) const
      {
        const unsigned int batch = phi.get_current_cell_index();
        phi.evaluate(EvaluationFlags::gradients);
        if (point_tangents != nullptr)
          {
            // C differs per point and per lane: contracted lane by lane
            // (36 multiply-adds a point, small beside the sum factorisation).
            const unsigned int filled = matrix_free.n_active_entries_per_cell_batch(batch);
            for (unsigned int q = 0; q < phi.n_q_points; ++q)
              {
                const SymmetricTensor<2, dim, VectorizedArray<double>> strain =
                    phi.get_symmetric_gradient(q);
                SymmetricTensor<2, dim, VectorizedArray<double>> stress;
                for (unsigned int lane = 0; lane < filled; ++lane)
                  {
                    const SymmetricTensor<4, 3> &C =
                        (*point_tangents)[size_t(active_cell[batch * n_lanes + lane]) *
                                              phi.n_q_points +
                                          q];
                    SymmetricTensor<2, 3> e; // plane strain: zero out of plane
                    for (unsigned int a = 0; a < dim; ++a)
                      for (unsigned int b = a; b < dim; ++b)
                        e[a][b] = strain[a][b][lane];
                    const SymmetricTensor<2, 3> s = C * e;
                    for (unsigned int a = 0; a < dim; ++a)
                      for (unsigned int b = a; b < dim; ++b)
                        stress[a][b][lane] = s[a][b];
                  }
                phi.submit_symmetric_gradient(stress, q);
              }
            phi.integrate(EvaluationFlags::gradients);
            return;
          }
        const VectorizedArray<double> l = lambda[batch];
        const VectorizedArray<double> m = mu[batch];
        for (unsigned int q = 0; q < phi.n_q_points; ++q)
          {
            const SymmetricTensor<2, dim, VectorizedArray<double>> strain =
                phi.get_symmetric_gradient(q);
            SymmetricTensor<2, dim, VectorizedArray<double>> stress = (2. * m) * strain;
            const VectorizedArray<double>                    volume = l * trace(strain);
            for (unsigned int d = 0; d < dim; ++d)
              stress[d][d] += volume;
            phi.submit_symmetric_gradient(stress, q);
          }
        phi.integrate(EvaluationFlags::gradients);
      }

      /// Jacobi: the inverse diagonal (1 on constrained DoFs), summed from
      /// the cell diagonals with FEValues: O(dofs x points) per cell, where
      /// MatrixFreeTools::compute_diagonal applies the cell operator to every
      /// unit vector (5.8 of 8.1 s of setup at 1.4 M DoFs, measured).
      /// Hanging nodes get the diagonal distributed like a load: close enough
      /// for a smoother.
      std::shared_ptr<DiagonalMatrix<VectorType>>
      inverse_diagonal(const Mapping<dim>              &mapping,
                       const DoFHandler<dim>           &dof_handler,
                       const AffineConstraints<double> &constraints,
                       const LevelStiffness<dim>       &stiffness) const
      {
        auto        inverse  = std::make_shared<DiagonalMatrix<VectorType>>();
        VectorType &diagonal = inverse->get_vector();
        initialize_dof_vector(diagonal);
        const auto        &fe = dof_handler.get_fe();
        const QGauss<dim>  quadrature(degree + 1);
        FEValues<dim>      fe_values(mapping, fe, quadrature, update_gradients | update_JxW_values);
        const unsigned int n = fe.n_dofs_per_cell();
        Vector<double>     cell_diagonal(n);
        std::vector<types::global_dof_index> indices(n);
        std::vector<unsigned int>            component(n);
        for (unsigned int i = 0; i < n; ++i)
          component[i] = fe.system_to_component_index(i).first;
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              fe_values.reinit(cell);
              cell_diagonal = 0;
              for (unsigned int q = 0; q < quadrature.size(); ++q)
                for (unsigned int i = 0; i < n; ++i)
                  {
                    const Tensor<1, dim> g = fe_values.shape_grad_component(i, q, component[i]);
                    cell_diagonal(i) += stiffness.form(cell, q, component[i], g, component[i], g) *
                                        fe_values.JxW(q);
                  }
              cell->get_dof_indices(indices);
              constraints.distribute_local_to_global(cell_diagonal, indices, diagonal);
            }
        diagonal.compress(VectorOperation::add);
        // |d|: a softening tangent must not turn the smoother's sign.
        for (auto &entry : diagonal)
          entry = std::abs(entry) > 0 ? 1. / std::abs(entry) : 1.;
        for (const unsigned int i : constrained)
          diagonal.local_element(i) = 1.;
        return inverse;
      }

      const std::vector<unsigned int> &constrained_dofs() const
      {
        return constrained;
      }

      const MatrixFree<dim, double> &data() const
      {
        return matrix_free;
      }

    private:
      void apply_cells(const MatrixFree<dim, double>               &data,
                       VectorType                                  &dst,
                       const VectorType                            &src,
                       const std::pair<unsigned int, unsigned int> &cells) const
      {
        Evaluation phi(data);
        for (unsigned int cell = cells.first; cell < cells.second; ++cell)
          {
            phi.reinit(cell);
            phi.read_dof_values(src);
            apply_cell(phi);
            phi.distribute_local_to_global(dst);
          }
      }

      static constexpr unsigned int          n_lanes = VectorizedArray<double>::size();
      MatrixFree<dim, double>                matrix_free;
      AlignedVector<VectorizedArray<double>> lambda, mu;
      /// Active cell index of each (batch, lane): where its point tangents are.
      std::vector<unsigned int>                 active_cell;
      const std::vector<SymmetricTensor<4, 3>> *point_tangents = nullptr;
      std::vector<unsigned int>                 constrained;
    };

    template <int dim>
    using FineOperator =
        ElasticOperator<dim, 2>; /// The operators of the two levels for Multigrid (level 0 is only
    /// solved, by the AMG; its operator is never applied).
    template <int dim>
    class LevelOperators : public MGMatrixBase<VectorType>
    {
    public:
      explicit LevelOperators(const FineOperator<dim> &fine)
          : fine(fine)
      {
      }
      void vmult(const unsigned int, VectorType &dst, const VectorType &src) const override
      {
        fine.vmult(dst, src);
      }
      void vmult_add(const unsigned int, VectorType &dst, const VectorType &src) const override
      {
        VectorType product;
        product.reinit(dst, true);
        fine.vmult(product, src);
        dst += product;
      }
      void Tvmult(const unsigned int level, VectorType &dst, const VectorType &src) const override
      {
        vmult(level, dst, src);
      }
      void
      Tvmult_add(const unsigned int level, VectorType &dst, const VectorType &src) const override
      {
        vmult_add(level, dst, src);
      }
      unsigned int get_minlevel() const override
      {
        return 0;
      }
      unsigned int get_maxlevel() const override
      {
        return 1;
      }

    private:
      const FineOperator<dim> &fine;
    };

    /// Chebyshev smoothing on the Q2 level.
    template <int dim>
    class FineSmoother : public MGSmootherBase<VectorType>
    {
    public:
      using Chebyshev =
          PreconditionChebyshev<FineOperator<dim>, VectorType, DiagonalMatrix<VectorType>>;
      Chebyshev chebyshev;

      void clear() override
      {
      }
      void smooth(const unsigned int, VectorType &u, const VectorType &rhs) const override
      {
        chebyshev.step(u, rhs);
      }
      void apply(const unsigned int, VectorType &u, const VectorType &rhs) const override
      {
        chebyshev.vmult(u, rhs);
      }
    };

    /// One BoomerAMG V-cycle on the assembled Q1 matrix.
    class CoarseAMG : public MGCoarseGridBase<VectorType>
    {
    public:
      KSP ksp = nullptr;
      Vec x = nullptr, b = nullptr;

      ~CoarseAMG() override
      {
        if (ksp)
          KSPDestroy(&ksp);
        if (x)
          VecDestroy(&x);
        if (b)
          VecDestroy(&b);
      }
      void operator()(const unsigned int, VectorType &dst, const VectorType &src) const override
      {
        ROOFSPAN_PETSC(VecPlaceArray(b, src.begin()));
        ROOFSPAN_PETSC(VecPlaceArray(x, dst.begin()));
        ROOFSPAN_PETSC(KSPSolve(ksp, b, x));
        ROOFSPAN_PETSC(VecResetArray(x));
        ROOFSPAN_PETSC(VecResetArray(b));
      }
    };

    /**
     * The bolted system's PETSc objects: the shell operator [K_rock + B], the
     * interpolation from [Q1 rock, bolts] to [Q2 rock, bolts], the coarse
     * matrix, the fine diagonal, and the Krylov solver with its PCMG.
     */
    template <int dim>
    struct CoupledSystem
    {
      const FineOperator<dim> *fine     = nullptr;
      Mat                      coupling = nullptr; ///< B (the caller's)
      Mat      shell = nullptr, interpolation = nullptr, rock_injection = nullptr, coarse = nullptr;
      Vec      diagonal     = nullptr;
      KSP      ksp          = nullptr;
      PetscInt n_rock_owned = 0, n_owned = 0;
      mutable VectorType in, out; ///< the rock rows, as MatrixFree wants them
      std::uint64_t      generation = 0;

      ~CoupledSystem()
      {
        clear();
      }
      void clear()
      {
        if (ksp)
          KSPDestroy(&ksp);
        for (Mat *m : {&shell, &interpolation, &rock_injection, &coarse})
          if (*m)
            MatDestroy(m);
        if (diagonal)
          VecDestroy(&diagonal);
      }

      /// y = K_rock x + B x: the rock rows through MatrixFree, then B.
      static PetscErrorCode mult(Mat A, Vec x, Vec y)
      {
        CoupledSystem *c = nullptr;
        PetscCall(MatShellGetContext(A, &c));
        const PetscScalar *from;
        PetscScalar       *to;
        PetscCall(VecGetArrayRead(x, &from));
        std::copy(from, from + c->n_rock_owned, c->in.begin());
        PetscCall(VecRestoreArrayRead(x, &from));
        c->in.zero_out_ghost_values(); // new values: MatrixFree exchanges the ghosts
        try
          {
            c->fine->vmult(c->out, c->in);
          }
        catch (...)
          {
            // Not an error return: the other ranks would wait in the next
            // collective call. NaN makes the Krylov solve fail on every
            // rank, and solve_coupled() reports a result that is not finite.
            c->out = std::numeric_limits<double>::quiet_NaN();
          }
        PetscCall(VecGetArray(y, &to));
        std::copy(c->out.begin(), c->out.end(), to);
        std::fill(to + c->n_rock_owned, to + c->n_owned, 0.);
        PetscCall(VecRestoreArray(y, &to));
        return MatMultAdd(c->coupling, x, y, y);
      }

      static PetscErrorCode get_diagonal(Mat A, Vec d)
      {
        CoupledSystem *c = nullptr;
        PetscCall(MatShellGetContext(A, &c));
        return VecCopy(c->diagonal, d);
      }
    };

    /// An AIJ matrix with `m` x `n` owned rows x columns, node blocks `bs`,
    /// room for `d` / `o` entries a row in the diagonal / off-diagonal block.
    Mat make_aij(MPI_Comm comm, PetscInt m, PetscInt n, PetscInt bs, PetscInt d, PetscInt o)
    {
      Mat A;
      ROOFSPAN_PETSC(MatCreate(comm, &A));
      ROOFSPAN_PETSC(MatSetSizes(A, m, n, PETSC_DETERMINE, PETSC_DETERMINE));
      ROOFSPAN_PETSC(MatSetBlockSizes(A, bs, bs));
      // MPIAIJ on one rank too: SystemMatrix's matrices are, and PETSc's
      // products do not mix the two.
      ROOFSPAN_PETSC(MatSetType(A, MATMPIAIJ));
      ROOFSPAN_PETSC(MatMPIAIJSetPreallocation(A, d, nullptr, o, nullptr));
      ROOFSPAN_PETSC(MatSetOption(A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
      return A;
    }
  } // namespace

  template <int dim>
  struct MatrixFreeElasticity<dim>::Implementation
  {
    MPI_Comm                                           comm      = MPI_COMM_NULL;
    const DoFHandler<dim>                             *fine_dofs = nullptr;
    const Mapping<dim>                                *mapping   = nullptr;
    FESystem<dim>                                      q1{FE_Q<dim>(1), dim};
    std::unique_ptr<DoFHandler<dim>>                   coarse_dofs;
    AffineConstraints<double>                          fine_constraints, coarse_constraints;
    FineOperator<dim>                                  fine;
    std::shared_ptr<const Utilities::MPI::Partitioner> coarse_partitioner;
    SystemMatrix                                       coarse_matrix;
    bool                                               coarse_pattern_made = false;
    CoarseAMG                                          coarse_amg;
    FineSmoother<dim>                                  smoother;
    unsigned int                                       smoothing_degree = 2;
    MGLevelObject<MGTwoLevelTransfer<dim, VectorType>> transfers;
    std::unique_ptr<MGTransferGlobalCoarsening<dim, VectorType>> transfer;
    std::unique_ptr<LevelOperators<dim>>                         level_operators;
    std::unique_ptr<Multigrid<VectorType>>                       multigrid;
    std::unique_ptr<PreconditionMG<dim, VectorType, MGTransferGlobalCoarsening<dim, VectorType>>>
           preconditioner;
    double seconds = 0;
    /// The tangent in use is not symmetric: GMRES instead of CG.
    bool nonsymmetric = false;
    /// What the smoother and the Q1 level were last built from.
    LevelStiffness<dim> stiffness;
    std::uint64_t       stiffness_generation = 0;

    /// Bolts: the system's extra unknowns on this rank (after its rock
    /// rows); the coupled solver's objects, and the rock's part of the
    /// smoother's diagonal.
    bool                                        coupled       = false;
    types::global_dof_index                     n_extra_owned = 0;
    CoupledSystem<dim>                          coupled_system;
    std::shared_ptr<DiagonalMatrix<VectorType>> rock_inverse_diagonal;

    /// Chebyshev on the Q2 level: degree `smoothing_degree` over
    /// [lambda_max / 15, 1.1 lambda_max] of the Jacobi-preconditioned fine
    /// operator, with its diagonal from `stiffness`.
    void build_smoother();
    /// The Q1 matrix from `stiffness` (a tangent averaged per cell), and
    /// BoomerAMG set up on it (coupled: the matrix only, in AIJ storage).
    void build_coarse_level();
    /// Coupled: the interpolation (once), the coarse matrix [Q1 rock +
    /// P^T B P], the fine diagonal and the Krylov solver with its PCMG, for
    /// the bolts' matrix `coupling` and the current rock stiffness.
    void build_coupled(Mat coupling);
    /// Coupled: the Q1 -> Q2 interpolation on the system's unknowns, the
    /// identity on the extra ones; and the injection of the Q1 rock rows
    /// into the coarse system's numbering.
    void build_interpolation();
    /// Prescribed values g on constrained DoFs (lines of `prescribed` whose
    /// index less `first_row` is one of this rank's rock rows): rhs -= K g
    /// on the free rows, so that the solve is for the homogeneous part (the
    /// caller distributes g).
    void take_prescribed_coupling(VectorType                      &rhs,
                                  const AffineConstraints<double> &prescribed,
                                  types::global_dof_index          first_row) const;
  };

  template <int dim>
  void MatrixFreeElasticity<dim>::Implementation::take_prescribed_coupling(
      VectorType                      &rhs,
      const AffineConstraints<double> &prescribed,
      const types::global_dof_index    first_row) const
  {
    VectorType values, coupling;
    fine.initialize_dof_vector(values);
    fine.initialize_dof_vector(coupling);
    bool any = false;
    for (const auto &line : prescribed.get_lines())
      if (line.inhomogeneity != 0 && line.entries.empty() && line.index >= first_row &&
          line.index - first_row < values.locally_owned_size())
        {
          values.local_element(line.index - first_row) = line.inhomogeneity;
          any                                          = true;
        }
    if (Utilities::MPI::logical_or(any, comm))
      {
        fine.vmult_unconstrained_source(coupling, values);
        rhs -= coupling;
      }
  }

  template <int dim>
  void MatrixFreeElasticity<dim>::Implementation::build_smoother()
  {
    if (coupled)
      {
        // PETSc's Chebyshev smooths the coupled system (build_coupled()).
        rock_inverse_diagonal =
            fine.inverse_diagonal(*mapping, *fine_dofs, fine_constraints, stiffness);
        return;
      }
    typename FineSmoother<dim>::Chebyshev::AdditionalData data;
    data.preconditioner  = fine.inverse_diagonal(*mapping, *fine_dofs, fine_constraints, stiffness);
    data.degree          = smoothing_degree;
    data.smoothing_range = 15.;
    data.eig_cg_n_iterations = 15;
    // Lanczos (CG) needs a symmetric operator; a non-associated tangent gets
    // the power iteration's largest eigenvalue instead.
    if (nonsymmetric)
      data.eigenvalue_algorithm =
          FineSmoother<dim>::Chebyshev::AdditionalData::EigenvalueAlgorithm::power_iteration;
    smoother.chebyshev.initialize(fine, data);
    VectorType probe;
    fine.initialize_dof_vector(probe);
    probe = 1.;
    VectorType image(probe);
    smoother.chebyshev.vmult(image, probe); // estimates the eigenvalues now
  }

  template <int dim>
  void MatrixFreeElasticity<dim>::Implementation::build_coarse_level()
  {
    // The Q1 matrix in hypre's storage with node blocks: the pattern once,
    // the values at every build.
    if (!coarse_pattern_made)
      {
        const IndexSet &owned = coarse_dofs->locally_owned_dofs();
        IndexSet        relevant;
        DoFTools::extract_locally_relevant_dofs(*coarse_dofs, relevant);
        DynamicSparsityPattern pattern(relevant);
        DoFTools::make_sparsity_pattern(*coarse_dofs, pattern, coarse_constraints, false);
        SparsityTools::distribute_sparsity_pattern(pattern, owned, comm, relevant);
        coarse_matrix.set_layout(coupled ? SystemMatrix::Layout::petsc_aij :
                                           SystemMatrix::Layout::hypre_parcsr);
        coarse_matrix.keep_pattern(true);
        coarse_matrix.create(owned, pattern, dim, comm);
        coarse_pattern_made = true;
      }
    else
      coarse_matrix.reset();
    coarse_matrix.set_symmetric(!nonsymmetric);
    // The same bilinear form with the same (2-point Gauss) quadrature; a
    // plastic tangent enters as its mean over the Q2 cell's points.
    const QGauss<dim>  quadrature(2);
    FEValues<dim>      fe_values(*mapping, q1, quadrature, update_gradients | update_JxW_values);
    const unsigned int n = q1.n_dofs_per_cell();
    FullMatrix<double> cell_matrix(n, n);
    std::vector<types::global_dof_index> indices(n);
    std::vector<unsigned int>            component(n);
    for (unsigned int i = 0; i < n; ++i)
      component[i] = q1.system_to_component_index(i).first;
    std::vector<SymmetricTensor<2, 3>> strain(n);
    const std::vector<double> fine_weights = QGauss<dim>(3).get_weights(); // sum 1 on the unit cell
    for (const auto &cell : coarse_dofs->active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          const SymmetricTensor<4, 3> C = stiffness.cell_mean(cell, fine_weights);
          cell_matrix                   = 0;
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              for (unsigned int i = 0; i < n; ++i)
                strain[i] = shape_strain<dim>(component[i],
                                              fe_values.shape_grad_component(i, q, component[i]));
              for (unsigned int j = 0; j < n; ++j)
                {
                  const SymmetricTensor<2, 3> stress = C * strain[j];
                  for (unsigned int i = 0; i < n; ++i)
                    cell_matrix(i, j) += (strain[i] * stress) * fe_values.JxW(q);
                }
            }
          cell->get_dof_indices(indices);
          coarse_constraints.distribute_local_to_global(cell_matrix, indices, coarse_matrix);
        }
    coarse_matrix.compress(VectorOperation::add);
    if (coupled)
      return; // the bolts join it in build_coupled()
    coarse_matrix.convert_to_hypre();

    // BoomerAMG set up anew from the current values (a new KSP: PETSc does
    // not see values changed in place in the hypre matrix).
    if (coarse_amg.ksp)
      ROOFSPAN_PETSC(KSPDestroy(&coarse_amg.ksp));
    const char *prefix = "roofspan_mg_coarse_";
    LinearSolver::set_boomeramg_defaults(prefix, dim);
    Mat matrix = coarse_matrix.petsc_matrix();
    PC  pc;
    ROOFSPAN_PETSC(KSPCreate(comm, &coarse_amg.ksp));
    ROOFSPAN_PETSC(KSPSetOptionsPrefix(coarse_amg.ksp, prefix));
    ROOFSPAN_PETSC(KSPSetOperators(coarse_amg.ksp, matrix, matrix));
    // Two V-cycles: the Q1 level sets the outer iterations (Chebyshev
    // degree 1 to 6 on Q2: 25 to 23 CG iterations on the 1.4 M DoF block;
    // two V-cycles instead of one: 25 -> 19, and less time).
    ROOFSPAN_PETSC(KSPSetType(coarse_amg.ksp, KSPRICHARDSON));
    ROOFSPAN_PETSC(KSPSetTolerances(coarse_amg.ksp, 0., 0., 1e300, 2));
    ROOFSPAN_PETSC(KSPSetNormType(coarse_amg.ksp, KSP_NORM_NONE));
    ROOFSPAN_PETSC(KSPSetInitialGuessNonzero(coarse_amg.ksp, PETSC_FALSE));
    ROOFSPAN_PETSC(KSPGetPC(coarse_amg.ksp, &pc));
    ROOFSPAN_PETSC(PCSetType(pc, PCHYPRE));
    ROOFSPAN_PETSC(PCHYPRESetType(pc, "boomeramg"));
    ROOFSPAN_PETSC(KSPSetFromOptions(coarse_amg.ksp));
    ROOFSPAN_PETSC(KSPSetUp(coarse_amg.ksp));
    ROOFSPAN_PETSC(PCSetUp(pc));
    if (coarse_amg.x == nullptr)
      {
        const PetscInt n_owned = coarse_dofs->locally_owned_dofs().n_elements();
        ROOFSPAN_PETSC(
            VecCreateMPIWithArray(comm, 1, n_owned, PETSC_DETERMINE, nullptr, &coarse_amg.x));
        ROOFSPAN_PETSC(
            VecCreateMPIWithArray(comm, 1, n_owned, PETSC_DETERMINE, nullptr, &coarse_amg.b));
      }
  }

  template <int dim>
  void MatrixFreeElasticity<dim>::Implementation::build_interpolation()
  {
    CoupledSystem<dim>   &c = coupled_system;
    const SystemNumbering fine_system(fine_dofs->locally_owned_dofs(), n_extra_owned, comm);
    const SystemNumbering coarse_system(coarse_dofs->locally_owned_dofs(), n_extra_owned, comm);
    const unsigned int    my_rank     = Utilities::MPI::this_mpi_process(comm);
    const PetscInt        fine_rock   = fine_dofs->locally_owned_dofs().n_elements();
    const PetscInt        coarse_rock = coarse_dofs->locally_owned_dofs().n_elements();
    const PetscInt        extra       = n_extra_owned;

    // A Q2 node takes the Q1 values of up to 2^dim nodes of a cell.
    c.interpolation                        = make_aij(comm,
                               fine_rock + extra,
                               coarse_rock + extra,
                               dim,
                               Utilities::fixed_power<dim>(2),
                               Utilities::fixed_power<dim>(2));
    const auto                    &q2      = fine_dofs->get_fe();
    const std::vector<Point<dim>> &support = q2.get_unit_support_points();
    FullMatrix<double>             weights(q2.n_dofs_per_cell(), q1.n_dofs_per_cell());
    for (unsigned int i = 0; i < q2.n_dofs_per_cell(); ++i)
      for (unsigned int j = 0; j < q1.n_dofs_per_cell(); ++j)
        weights(i, j) =
            q1.shape_value_component(j, support[i], q2.system_to_component_index(i).first);
    const IndexSet                      &fine_owned = fine_dofs->locally_owned_dofs();
    std::vector<types::global_dof_index> fine_indices(q2.n_dofs_per_cell()),
        coarse_indices(q1.n_dofs_per_cell());
    for (const auto &cell : fine_dofs->active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const typename DoFHandler<dim>::active_cell_iterator coarse_cell(
              &fine_dofs->get_triangulation(), cell->level(), cell->index(), coarse_dofs.get());
          cell->get_dof_indices(fine_indices);
          coarse_cell->get_dof_indices(coarse_indices);
          for (unsigned int i = 0; i < fine_indices.size(); ++i)
            {
              // Constrained fine DoFs take no correction (zero rows), and
              // constrained coarse ones give none (zero columns).
              if (!fine_owned.is_element(fine_indices[i]) ||
                  fine_constraints.is_constrained(fine_indices[i]))
                continue;
              const PetscInt row = fine_system.of_rock(fine_indices[i]);
              for (unsigned int j = 0; j < coarse_indices.size(); ++j)
                if (std::abs(weights(i, j)) > 1e-12 &&
                    !coarse_constraints.is_constrained(coarse_indices[j]))
                  {
                    const PetscInt column = coarse_system.of_rock(coarse_indices[j]);
                    ROOFSPAN_PETSC(MatSetValues(
                        c.interpolation, 1, &row, 1, &column, &weights(i, j), INSERT_VALUES));
                  }
            }
        }
    for (PetscInt k = 0; k < extra; ++k)
      {
        const PetscInt row    = fine_system.first_extra(my_rank) + k;
        const PetscInt column = coarse_system.first_extra(my_rank) + k;
        ROOFSPAN_PETSC(MatSetValue(c.interpolation, row, column, 1., INSERT_VALUES));
      }
    ROOFSPAN_PETSC(MatAssemblyBegin(c.interpolation, MAT_FINAL_ASSEMBLY));
    ROOFSPAN_PETSC(MatAssemblyEnd(c.interpolation, MAT_FINAL_ASSEMBLY));

    // Q1 rock rows (rock numbering) -> the coarse system's rows.
    c.rock_injection = make_aij(comm, coarse_rock, coarse_rock + extra, dim, 1, 0);
    const IndexSet               &coarse_owned = coarse_dofs->locally_owned_dofs();
    const types::global_dof_index first =
        coarse_owned.n_elements() > 0 ? coarse_owned.nth_index_in_set(0) : 0;
    for (PetscInt k = 0; k < coarse_rock; ++k)
      {
        const PetscInt row = first + k, column = coarse_system.of_rock(first + k);
        ROOFSPAN_PETSC(MatSetValue(c.rock_injection, row, column, 1., INSERT_VALUES));
      }
    ROOFSPAN_PETSC(MatAssemblyBegin(c.rock_injection, MAT_FINAL_ASSEMBLY));
    ROOFSPAN_PETSC(MatAssemblyEnd(c.rock_injection, MAT_FINAL_ASSEMBLY));

    c.fine         = &fine;
    c.n_rock_owned = fine_rock;
    c.n_owned      = fine_rock + extra;
    fine.initialize_dof_vector(c.in);
    fine.initialize_dof_vector(c.out);
    ROOFSPAN_PETSC(MatCreateShell(
        comm, c.n_owned, c.n_owned, fine_system.n_dofs(), fine_system.n_dofs(), &c, &c.shell));
    ROOFSPAN_PETSC(MatShellSetOperation(
        c.shell, MATOP_MULT, reinterpret_cast<void (*)(void)>(&CoupledSystem<dim>::mult)));
    ROOFSPAN_PETSC(
        MatShellSetOperation(c.shell,
                             MATOP_GET_DIAGONAL,
                             reinterpret_cast<void (*)(void)>(&CoupledSystem<dim>::get_diagonal)));
    ROOFSPAN_PETSC(MatCreateVecs(c.shell, &c.diagonal, nullptr));
  }

  template <int dim>
  void MatrixFreeElasticity<dim>::Implementation::build_coupled(Mat coupling)
  {
    CoupledSystem<dim> &c = coupled_system;
    if (c.interpolation == nullptr)
      build_interpolation();
    c.coupling = coupling;

    // Coarse: the Q1 rock matrix moved to the coarse system's numbering,
    // plus the bolts' part seen through the interpolation (Galerkin).
    Mat rock, bolts;
    ROOFSPAN_PETSC(
        MatPtAP(coarse_matrix.petsc_matrix(), c.rock_injection, MAT_INITIAL_MATRIX, 1., &rock));
    ROOFSPAN_PETSC(MatPtAP(coupling, c.interpolation, MAT_INITIAL_MATRIX, 2., &bolts));
    ROOFSPAN_PETSC(MatAXPY(bolts, 1., rock, DIFFERENT_NONZERO_PATTERN));
    ROOFSPAN_PETSC(MatDestroy(&rock));
    if (c.coarse)
      ROOFSPAN_PETSC(MatDestroy(&c.coarse));
    c.coarse = bolts;
    ROOFSPAN_PETSC(MatSetOption(c.coarse, MAT_SYMMETRIC, nonsymmetric ? PETSC_FALSE : PETSC_TRUE));

    // The smoother's diagonal: the rock's (from the stiffness at the
    // points) plus the bolts'.
    ROOFSPAN_PETSC(MatGetDiagonal(coupling, c.diagonal));
    {
      PetscScalar      *d;
      const VectorType &inverse = rock_inverse_diagonal->get_vector();
      ROOFSPAN_PETSC(VecGetArray(c.diagonal, &d));
      for (PetscInt i = 0; i < c.n_rock_owned; ++i)
        d[i] += 1. / inverse.local_element(i);
      for (PetscInt i = 0; i < c.n_owned; ++i)
        d[i] = std::abs(d[i]) > 0 ? std::abs(d[i]) : 1.;
      ROOFSPAN_PETSC(VecRestoreArray(c.diagonal, &d));
    }

    // The Krylov solver, new for each operator: PETSc's Chebyshev then
    // estimates the eigenvalues of the new one.
    if (c.ksp)
      ROOFSPAN_PETSC(KSPDestroy(&c.ksp));
    const std::string prefix = "roofspan_coupled_";
    LinearSolver::set_boomeramg_defaults(prefix + "mg_coarse_", dim);
    PC pc;
    ROOFSPAN_PETSC(KSPCreate(comm, &c.ksp));
    ROOFSPAN_PETSC(KSPSetOptionsPrefix(c.ksp, prefix.c_str()));
    ROOFSPAN_PETSC(KSPSetOperators(c.ksp, c.shell, c.shell));
    if (nonsymmetric)
      {
        // Right preconditioning: GMRES minimises the true residual.
        ROOFSPAN_PETSC(KSPSetType(c.ksp, KSPGMRES));
        ROOFSPAN_PETSC(KSPGMRESSetRestart(c.ksp, 50));
        ROOFSPAN_PETSC(KSPSetPCSide(c.ksp, PC_RIGHT));
      }
    else
      {
        ROOFSPAN_PETSC(KSPSetType(c.ksp, KSPCG));
        ROOFSPAN_PETSC(KSPSetNormType(c.ksp, KSP_NORM_UNPRECONDITIONED));
      }
    ROOFSPAN_PETSC(KSPGetPC(c.ksp, &pc));
    ROOFSPAN_PETSC(PCSetType(pc, PCMG));
    ROOFSPAN_PETSC(PCMGSetLevels(pc, 2, nullptr));
    ROOFSPAN_PETSC(PCMGSetType(pc, PC_MG_MULTIPLICATIVE));
    ROOFSPAN_PETSC(PCMGSetCycleType(pc, PC_MG_CYCLE_V));
    ROOFSPAN_PETSC(PCMGSetGalerkin(pc, PC_MG_GALERKIN_NONE));
    ROOFSPAN_PETSC(PCMGSetInterpolation(pc, 1, c.interpolation));

    // Fine level: Chebyshev of `smoothing_degree` on the Jacobi-scaled
    // operator over [lambda_max / 15, 1.1 lambda_max], as the unbolted
    // multigrid's.
    KSP smoother;
    PC  jacobi;
    ROOFSPAN_PETSC(PCMGGetSmoother(pc, 1, &smoother));
    ROOFSPAN_PETSC(KSPSetOperators(smoother, c.shell, c.shell));
    ROOFSPAN_PETSC(KSPSetType(smoother, KSPCHEBYSHEV));
    ROOFSPAN_PETSC(KSPGetPC(smoother, &jacobi));
    ROOFSPAN_PETSC(PCSetType(jacobi, PCJACOBI));
    ROOFSPAN_PETSC(KSPChebyshevEstEigSet(smoother, 0., 1.1 / 15., 0., 1.1));
    ROOFSPAN_PETSC(KSPChebyshevEstEigSetUseNoisy(smoother, PETSC_TRUE));
    ROOFSPAN_PETSC(KSPSetTolerances(smoother, 0., 0., 1e300, smoothing_degree));
    ROOFSPAN_PETSC(KSPSetNormType(smoother, KSP_NORM_NONE));

    // Coarse level: two BoomerAMG V-cycles on [Q1 rock, bolts].
    KSP coarse_ksp;
    PC  amg;
    ROOFSPAN_PETSC(PCMGGetCoarseSolve(pc, &coarse_ksp));
    ROOFSPAN_PETSC(KSPSetOperators(coarse_ksp, c.coarse, c.coarse));
    ROOFSPAN_PETSC(KSPSetType(coarse_ksp, KSPRICHARDSON));
    ROOFSPAN_PETSC(KSPSetTolerances(coarse_ksp, 0., 0., 1e300, 2));
    ROOFSPAN_PETSC(KSPSetNormType(coarse_ksp, KSP_NORM_NONE));
    ROOFSPAN_PETSC(KSPGetPC(coarse_ksp, &amg));
    ROOFSPAN_PETSC(PCSetType(amg, PCHYPRE));
    ROOFSPAN_PETSC(PCHYPRESetType(amg, "boomeramg"));
    ROOFSPAN_PETSC(KSPSetFromOptions(c.ksp));
    ROOFSPAN_PETSC(KSPSetUp(c.ksp));
  }

  template <int dim>
  MatrixFreeElasticity<dim>::MatrixFreeElasticity() = default;
  template <int dim>
  MatrixFreeElasticity<dim>::~MatrixFreeElasticity() = default;

  template <int dim>
  void MatrixFreeElasticity<dim>::setup(const DoFHandler<dim> &dof_handler,
                                        const Mapping<dim>    &mapping,
                                        const MakeConstraints &make_constraints,
                                        const LameConstants   &lame,
                                        const unsigned int     smoothing_degree,
                                        const SystemNumbering *system)
  {
    impl              = std::make_unique<Implementation>();
    Implementation &s = *impl;
    s.coupled         = system != nullptr;
    s.n_extra_owned =
        system ? system->n_extra(Utilities::MPI::this_mpi_process(dof_handler.get_communicator())) :
                 0;
    s.comm             = dof_handler.get_communicator();
    s.fine_dofs        = &dof_handler;
    s.mapping          = &mapping;
    s.smoothing_degree = smoothing_degree;
    s.stiffness.lame   = lame;
    s.stiffness.n_q    = Utilities::fixed_power<dim>(3);
    Timer        timer(s.comm, true);
    PhaseProfile profile(s.comm, std::cout, "matrix-free setup");
    if (dof_handler.get_fe().degree != 2)
      throw std::logic_error("MatrixFreeElasticity: degree 2 only");

    const auto constraints_of = [&](const DoFHandler<dim> &dofs, AffineConstraints<double> &c) {
      IndexSet relevant;
      DoFTools::extract_locally_relevant_dofs(dofs, relevant);
      c.reinit(relevant);
      make_constraints(dofs, c);
      c.close();
      // Corrections: homogeneous (the caller distributes prescribed values).
      for (const auto &line : c.get_lines())
        if (line.inhomogeneity != 0)
          c.set_inhomogeneity(line.index, 0.);
    };
    constraints_of(dof_handler, s.fine_constraints);
    s.fine.reinit(mapping, dof_handler, s.fine_constraints, lame);
    profile.lap("Q2 operator");

    s.coarse_dofs = std::make_unique<DoFHandler<dim>>(dof_handler.get_triangulation());
    s.coarse_dofs->distribute_dofs(s.q1);
    constraints_of(*s.coarse_dofs, s.coarse_constraints);
    {
      IndexSet relevant;
      DoFTools::extract_locally_relevant_dofs(*s.coarse_dofs, relevant);
      s.coarse_partitioner =
          std::make_shared<Utilities::MPI::Partitioner>(s.coarse_dofs->locally_owned_dofs(),
                                                        relevant,
                                                        s.comm);
    }
    profile.lap("Q1 DoFs");
    s.build_smoother();
    profile.lap("Q2 smoother");
    s.build_coarse_level();
    profile.lap("Q1 matrix and AMG");

    if (s.coupled)
      {
        // PETSc's PCMG serves the bolted system (build_coupled(), at the
        // first solve: it needs the bolts' matrix).
        timer.stop();
        s.seconds = timer.last_wall_time();
        return;
      }
    s.transfers.resize(0, 1);
    s.transfers[1].reinit_polynomial_transfer(dof_handler,
                                              *s.coarse_dofs,
                                              s.fine_constraints,
                                              s.coarse_constraints);
    Implementation *self = &s;
    s.transfer           = std::make_unique<MGTransferGlobalCoarsening<dim, VectorType>>(
        s.transfers, [self](const unsigned int level, VectorType &vector) {
          if (level == 1)
            self->fine.initialize_dof_vector(vector);
          else
            vector.reinit(self->coarse_partitioner);
        });
    s.level_operators = std::make_unique<LevelOperators<dim>>(s.fine);
    s.multigrid       = std::make_unique<Multigrid<VectorType>>(
        *s.level_operators, s.coarse_amg, *s.transfer, s.smoother, s.smoother, 0, 1);
    s.preconditioner = std::make_unique<
        PreconditionMG<dim, VectorType, MGTransferGlobalCoarsening<dim, VectorType>>>(dof_handler,
                                                                                      *s.multigrid,
                                                                                      *s.transfer);
    profile.lap("transfer");
    timer.stop();
    s.seconds = timer.last_wall_time();
  }

  template <int dim>
  void
  MatrixFreeElasticity<dim>::use_point_tangents(const std::vector<SymmetricTensor<4, 3>> *tangents,
                                                const bool                                symmetric,
                                                const std::uint64_t generation)
  {
    Implementation &s = *impl;
    const size_t    needed =
        size_t(s.fine_dofs->get_triangulation().n_active_cells()) * s.stiffness.n_q;
    if (Utilities::MPI::logical_or(tangents != nullptr && tangents->size() < needed, s.comm))
      throw std::logic_error("internal error: matrix-free solve before the tangent was assembled");
    s.fine.set_point_tangents(tangents);
    s.nonsymmetric = tangents != nullptr && !symmetric;
    if (tangents == s.stiffness.tangents && generation == s.stiffness_generation)
      return;
    // A new Jacobian: the smoother's diagonal and the Q1 level follow it.
    Timer timer(s.comm, true);
    s.stiffness.tangents   = tangents;
    s.stiffness_generation = generation;
    s.build_smoother();
    s.build_coarse_level();
    timer.stop();
    s.seconds += timer.last_wall_time();
  }

  template <int dim>
  bool MatrixFreeElasticity<dim>::is_coupled() const
  {
    return impl->coupled;
  }

  template <int dim>
  bool MatrixFreeElasticity<dim>::is_set_up() const
  {
    return impl != nullptr;
  }

  template <int dim>
  types::global_dof_index MatrixFreeElasticity<dim>::n_coarse_dofs() const
  {
    return impl->coarse_dofs->n_dofs();
  }

  template <int dim>
  double MatrixFreeElasticity<dim>::setup_seconds() const
  {
    return impl->seconds;
  }

  namespace
  {
    void copy_owned(const PETScWrappers::MPI::Vector &from, VectorType &to)
    {
      const PetscScalar *in;
      VecGetArrayRead(from, &in);
      std::copy(in, in + to.locally_owned_size(), to.begin());
      VecRestoreArrayRead(from, &in);
    }
    void copy_owned(const VectorType &from, PETScWrappers::MPI::Vector &to)
    {
      PetscScalar *out;
      VecGetArray(to, &out);
      std::copy(from.begin(), from.end(), out);
      VecRestoreArray(to, &out);
    }
  } // namespace

  template <int dim>
  void MatrixFreeElasticity<dim>::vmult(PETScWrappers::MPI::Vector       &y,
                                        const PETScWrappers::MPI::Vector &x) const
  {
    VectorType in, out;
    impl->fine.initialize_dof_vector(in);
    impl->fine.initialize_dof_vector(out);
    copy_owned(x, in);
    impl->fine.vmult(out, in);
    copy_owned(out, y);
  }

  template <int dim>
  LinearSolver::Statistics
  MatrixFreeElasticity<dim>::solve(PETScWrappers::MPI::Vector       &x,
                                   const PETScWrappers::MPI::Vector &b,
                                   const double                      relative_tolerance,
                                   const unsigned int                max_iterations,
                                   const AffineConstraints<double>  *prescribed)
  {
    Implementation          &s = *impl;
    LinearSolver::Statistics stats;
    stats.method        = s.nonsymmetric ? "GMRES, matrix-free" : "CG, matrix-free";
    stats.setup_seconds = s.seconds;
    s.seconds           = 0; // counted once
    Timer timer(s.comm, true);

    VectorType solution, rhs;
    s.fine.initialize_dof_vector(solution);
    s.fine.initialize_dof_vector(rhs);
    copy_owned(b, rhs);
    if (prescribed != nullptr)
      s.take_prescribed_coupling(rhs, *prescribed, x.local_range().first);
    for (const unsigned int i : s.fine.constrained_dofs())
      rhs.local_element(i) = 0.;
    const double  b_norm = rhs.l2_norm();
    SolverControl control(max_iterations, relative_tolerance * b_norm, false, false);
    bool          converged = true;
    try
      {
        if (b_norm > 0 && s.nonsymmetric)
          {
            // Right preconditioning: the residual GMRES minimises is the
            // true one. 50 basis vectors before a restart.
            SolverGMRES<VectorType> gmres(control,
                                          typename SolverGMRES<VectorType>::AdditionalData(52,
                                                                                           true));
            gmres.solve(s.fine, solution, rhs, *s.preconditioner);
          }
        else if (b_norm > 0)
          {
            SolverCG<VectorType> cg(control);
            cg.solve(s.fine, solution, rhs, *s.preconditioner);
          }
      }
    catch (const SolverControl::NoConvergence &)
      {
        converged = false;
      }
    stats.iterations = control.last_step();
    // What we report is what we got: the true residual, recomputed.
    VectorType residual(rhs);
    s.fine.vmult(residual, solution);
    residual.sadd(-1., 1., rhs);
    stats.relative_residual = b_norm > 0 ? residual.l2_norm() / b_norm : residual.l2_norm();
    timer.stop();
    stats.solve_seconds = timer.last_wall_time();
    // As the assembled path: GMRES on a plastic tangent can stall just
    // short of a tight tolerance; a Newton correction needs far less.
    if (!converged && s.nonsymmetric && stats.relative_residual < 1e-6)
      converged = true;
    if (!converged || !std::isfinite(stats.relative_residual))
      throw LinearSolverFailure("the linear solver (" + stats.method +
                                    " + multigrid) did not reach the relative tolerance in " +
                                    std::to_string(stats.iterations) +
                                    " iterations (true relative residual " +
                                    std::to_string(stats.relative_residual) + ")",
                                matrix_free_remedy);
    copy_owned(solution, x);
    return stats;
  }

  template <int dim>
  LinearSolver::Statistics
  MatrixFreeElasticity<dim>::solve_coupled(PETScWrappers::MPI::Vector             &x,
                                           const PETScWrappers::MPI::Vector       &b,
                                           const PETScWrappers::MPI::SparseMatrix &coupling,
                                           const std::uint64_t                     generation,
                                           const double                     relative_tolerance,
                                           const unsigned int               max_iterations,
                                           const AffineConstraints<double> *prescribed)
  {
    Implementation &s = *impl;
    if (!s.coupled)
      throw std::logic_error("internal error: solve_coupled() without extra unknowns");
    CoupledSystem<dim>      &c = s.coupled_system;
    LinearSolver::Statistics stats;
    stats.method = s.nonsymmetric ? "GMRES, matrix-free with bolts" : "CG, matrix-free with bolts";
    // Collective: every rank rebuilds, or none.
    if (Utilities::MPI::logical_or(c.ksp == nullptr || generation != c.generation, s.comm))
      {
        Timer setup_timer(s.comm, true);
        try
          {
            s.build_coupled(static_cast<Mat>(coupling));
          }
        catch (...)
          {
            c.clear(); // nothing half-built is kept for the next try
            throw;
          }
        c.generation = generation;
        setup_timer.stop();
        s.seconds += setup_timer.last_wall_time();
      }
    c.coupling          = static_cast<Mat>(coupling);
    stats.setup_seconds = s.seconds;
    s.seconds           = 0; // counted once
    Timer timer(s.comm, true);

    // The rock rows: the prescribed values' coupling, zero on constrained
    // DoFs (the bolts' rows come as the caller made them).
    PETScWrappers::MPI::Vector rhs(b);
    {
      VectorType rock;
      s.fine.initialize_dof_vector(rock);
      PetscScalar *entries;
      check(VecGetArray(rhs, &entries), "VecGetArray");
      std::copy(entries, entries + c.n_rock_owned, rock.begin());
      if (prescribed != nullptr)
        s.take_prescribed_coupling(rock, *prescribed, rhs.local_range().first);
      for (const unsigned int i : s.fine.constrained_dofs())
        rock.local_element(i) = 0.;
      std::copy(rock.begin(), rock.end(), entries);
      check(VecRestoreArray(rhs, &entries), "VecRestoreArray");
    }
    const double b_norm           = rhs.l2_norm();
    x                             = 0;
    KSPConvergedReason reason     = KSP_CONVERGED_ITS;
    PetscInt           iterations = 0;
    if (b_norm > 0)
      {
        ROOFSPAN_PETSC(
            KSPSetTolerances(c.ksp, relative_tolerance, 0., 1e300, PetscInt(max_iterations)));
        ROOFSPAN_PETSC(KSPSolve(c.ksp, rhs, x));
        ROOFSPAN_PETSC(KSPGetConvergedReason(c.ksp, &reason));
        ROOFSPAN_PETSC(KSPGetIterationNumber(c.ksp, &iterations));
      }
    stats.iterations = iterations;
    // What we report is what we got: the true residual, recomputed.
    PETScWrappers::MPI::Vector residual(rhs);
    ROOFSPAN_PETSC(MatMult(c.shell, x, residual));
    residual.sadd(-1., 1., rhs);
    stats.relative_residual = b_norm > 0 ? residual.l2_norm() / b_norm : residual.l2_norm();
    timer.stop();
    stats.solve_seconds = timer.last_wall_time();
    bool converged      = reason > 0;
    // As the assembled path: GMRES on a plastic tangent can stall just
    // short of a tight tolerance; a Newton correction needs far less.
    if (!converged && s.nonsymmetric && stats.relative_residual < 1e-6)
      converged = true;
    if (!converged || !std::isfinite(stats.relative_residual))
      throw LinearSolverFailure("the linear solver (" + stats.method +
                                    " + two-level PCMG) did not reach the relative tolerance in " +
                                    std::to_string(stats.iterations) +
                                    " iterations (PETSc reason " + std::to_string(int(reason)) +
                                    ", true relative residual " +
                                    std::to_string(stats.relative_residual) + ")",
                                matrix_free_remedy);
    return stats;
  }

  template class MatrixFreeElasticity<2>;
  template class MatrixFreeElasticity<3>;
} // namespace roofspan
