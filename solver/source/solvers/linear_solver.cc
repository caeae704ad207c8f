#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/input_error.h>
#include <roofspan/core/phase_profile.h>
#include <roofspan/solvers/linear_solver.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <petscksp.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /// The innermost message of PETSc's latest error (its handler is called
    /// from the innermost function outward; the first call starts a new one).
    std::string petsc_error_message;

    /// ROOFSPAN_TRACEBACK=1: PETSc's own error stack is printed too.
    bool petsc_traceback = false;

    PetscErrorCode remember_petsc_error(MPI_Comm       comm,
                                        int            line,
                                        const char    *function,
                                        const char    *file,
                                        PetscErrorCode code,
                                        PetscErrorType type,
                                        const char    *message,
                                        void          *context)
    {
      if (petsc_traceback)
        PetscTraceBackErrorHandler(comm, line, function, file, code, type, message, context);
      if (type == PETSC_ERROR_INITIAL)
        {
          const char *text = nullptr;
          PetscErrorMessage(code, &text, nullptr);
          petsc_error_message = std::string(text != nullptr ? text : "") +
                                (message != nullptr && *message ? std::string(": ") + message : "");
        }
      return code;
    }

    void check(const PetscErrorCode code, const char *call)
    {
      if (code == 0)
        return;
      const std::string message = petsc_error_message;
      petsc_error_message.clear(); // never carried over to a later failure
      throw LinearSolverFailure(std::string("PETSc call failed: ") + call + " (error " +
                                std::to_string(code) + (message.empty() ? "" : ": " + message) +
                                ")");
    }
#define ROOFSPAN_PETSC(call) check((call), #call)

    /// The direct solver's own account of a failed factorisation in `ksp`
    /// ("" if it has none): out of memory is the machine's limit, not a
    /// tangent the direct solver could not handle, and needs its own remedy.
    bool factorisation_out_of_memory(KSP ksp)
    {
      PC  pc     = nullptr;
      Mat factor = nullptr;
      if (ksp == nullptr || KSPGetPC(ksp, &pc) != 0 || PCFactorGetMatrix(pc, &factor) != 0 ||
          factor == nullptr)
        return false;
      MatFactorError error = MAT_FACTOR_NOERROR;
      return MatFactorGetError(factor, &error) == 0 && error == MAT_FACTOR_OUTMEMORY;
    }

    /// Thrown when MUMPS ran out of memory factorising the tangent.
    [[noreturn]] void throw_out_of_memory(const std::string &what)
    {
      throw LinearSolverFailure(
          what + ": the direct solver (MUMPS) ran out of memory factorising the tangent",
          "run on more nodes (MUMPS spreads its factors over the ranks' memory), use an "
          "iterative solver ('Linear solver/Preconditioner = boomeramg', or 'Operator = "
          "matrix-free' for elastic models) or a coarser mesh");
    }

    /// ||b - A x|| / ||b||, recomputed: what we report is what we got.
    double true_relative_residual(SystemMatrix                     &A,
                                  const PETScWrappers::MPI::Vector &x,
                                  const PETScWrappers::MPI::Vector &b)
    {
      PETScWrappers::MPI::Vector r(b);
      A.vmult(r, x);
      r -= b;
      const double b_norm = b.l2_norm();
      return b_norm > 0 ? r.l2_norm() / b_norm : r.l2_norm();
    }
  } // namespace

  struct LinearSolver::DirectFactorisation
  {
    KSP  ksp        = nullptr;
    Mat  matrix     = nullptr; ///< the matrix object ksp factorised
    bool factorised = false;   ///< ksp holds factors (kept-factors mode)

    void release()
    {
      if (ksp != nullptr)
        KSPDestroy(&ksp);
      ksp        = nullptr;
      matrix     = nullptr;
      factorised = false;
    }
    ~DirectFactorisation()
    {
      release();
    }
  };

  namespace
  {

    // Options live under a private prefix so they never leak into other
    // PETSc objects (and a case's own options can override them).
    const char *prefix = "roofspan_";

    void set_option(const std::string &key, const std::string &value)
    {
      ROOFSPAN_PETSC(
          PetscOptionsSetValue(nullptr, ("-" + std::string(prefix) + key).c_str(), value.c_str()));
    }
  } // namespace

  namespace
  {
    /// "-ksp_type cg" -> "-roofspan_ksp_type cg" (numbers keep their sign).
    std::string with_prefix(const std::string &options)
    {
      std::string        prefixed;
      std::istringstream words(options);
      for (std::string w; words >> w;)
        prefixed += (w.rfind("-", 0) == 0 && w.size() > 1 && !std::isdigit(w[1]) && w[1] != '.' ?
                         "-" + std::string(prefix) + w.substr(1) :
                         w) +
                    " ";
      return prefixed;
    }

    /// Why PETSc refuses `options` for a Krylov solver and its
    /// preconditioner ("" if it takes them): they are applied to a solver of
    /// their own, in an options database of their own, so nothing leaks.
    std::string petsc_refusal(const std::string &options, const std::string &preconditioner)
    {
      PetscOptions   database = nullptr;
      KSP            ksp      = nullptr;
      PetscErrorCode code     = PetscOptionsCreate(&database);
      if (code != 0 || database == nullptr)
        return "PETSc cannot create an options database (error " + std::to_string(code) + ")";
      const auto step = [&](const PetscErrorCode c) {
        if (code == 0)
          code = c;
      };
      petsc_error_message.clear();
      step(PetscOptionsInsertString(database, with_prefix(options).c_str()));
      step(KSPCreate(PETSC_COMM_SELF, &ksp));
      if (ksp != nullptr)
        {
          step(PetscObjectSetOptions(reinterpret_cast<PetscObject>(ksp), database));
          step(KSPSetOptionsPrefix(ksp, prefix));
          PC pc = nullptr;
          step(KSPGetPC(ksp, &pc));
          if (pc != nullptr)
            step(PCSetType(pc,
                           preconditioner == "boomeramg" ? PCHYPRE :
                           preconditioner == "gamg"      ? PCGAMG :
                                                           PCLU));
          step(KSPSetFromOptions(ksp));
          KSPDestroy(&ksp);
        }
      PetscOptionsDestroy(&database);
      if (code == 0)
        return "";
      return petsc_error_message.empty() ? "PETSc error " + std::to_string(code) :
                                           petsc_error_message;
    }
  } // namespace

  void LinearSolver::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Linear solver");
    prm.declare_entry("Preconditioner",
                      "boomeramg",
                      Patterns::Selection("boomeramg|gamg|direct"),
                      "Algebraic multigrid for CG: hypre BoomerAMG (systems "
                      "AMG, HMIS coarsening, ext+i interpolation) or PETSc "
                      "GAMG with the rigid-body near-nullspace; or 'direct': "
                      "a parallel sparse LU (MUMPS), robust for small plastic "
                      "models near collapse.");
    prm.declare_entry("Operator",
                      "auto",
                      Patterns::Selection("auto|assembled|matrix-free"),
                      "How CG applies the rock's stiffness. 'assembled': a sparse "
                      "matrix with the AMG above (every model; the reference). "
                      "'matrix-free': no global matrix; the operator is evaluated "
                      "cell by cell (deal.II MatrixFree) and preconditioned by a "
                      "hybrid multigrid: Chebyshev smoothing at Q2, then "
                      "two BoomerAMG V-cycles on the Q1 matrix of the same mesh. For "
                      "Polynomial degree 2 without Preconditioner = direct; about a "
                      "quarter of the memory. Plastic rock: the consistent tangent is "
                      "stored at each quadrature point and applied cell by cell (GMRES "
                      "when the flow is non-associated), the multigrid rebuilt from "
                      "each tangent. Bolts: their part of the Jacobian is an assembled "
                      "sparse matrix beside the matrix-free rock, and a two-level "
                      "PETSc PCMG (Chebyshev on Q2 rock and bolts, BoomerAMG on Q1 "
                      "rock and bolts) preconditions both. 'auto': matrix-free where "
                      "it applies, the rock is linear elastic and unbolted and the "
                      "model has at least 200000 DoFs; assembled otherwise.");
    prm.declare_entry("Smoothing degree",
                      "2",
                      Patterns::Integer(1, 10),
                      "Operator = matrix-free: the degree of the Chebyshev "
                      "smoother on the Q2 level (operator applications per "
                      "smoothing step). The Q1 AMG sets most of the convergence: "
                      "1 to 6 gave 25 to 23 iterations on the 1.4 M DoF block.");
    prm.declare_entry("Relative tolerance",
                      "1e-8",
                      Patterns::Double(1e-14, 1),
                      "Stop when the true residual ||b - A x|| <= tolerance * ||b|| "
                      "(at least 1e-14: double precision cannot do better, and 0 "
                      "would never stop).");
    prm.declare_entry("Maximum iterations", "1000", Patterns::Integer(1));
    prm.declare_entry("Direct fallback size",
                      "200000",
                      Patterns::Integer(0),
                      "When the iterative solver fails (GMRES + AMG can stall on "
                      "the unsymmetric, nearly singular tangent near collapse), "
                      "solve that system once with the direct solver (MUMPS LU) "
                      "instead, if it has at most this many unknowns. 0 = never.");
    prm.declare_entry("Factorisation reuse",
                      "0",
                      Patterns::Integer(0, 1000),
                      "With Preconditioner = direct: 0 factorises every tangent "
                      "and solves it exactly. N > 0 keeps the LU factors of an "
                      "earlier tangent as the preconditioner of GMRES on the "
                      "current one, for as long as GMRES reaches the tolerance "
                      "within N iterations; a solve that needs more is redone "
                      "after factorising the current tangent. Across Newton "
                      "iterations and load steps the plastic zone changes a "
                      "little at a time, so the kept factors stay good and most "
                      "solves cost a few triangular solves instead of a "
                      "factorisation (3D models, where factorising dominates).");
    prm.declare_entry("Node blocks",
                      "true",
                      Patterns::Bool(),
                      "Give the matrix block size dim (the dim unknowns of a "
                      "node form a block): hypre then runs systems AMG, and "
                      "GAMG needs it for the rigid-body modes. 'false' makes "
                      "BoomerAMG treat the system as one scalar problem.");
    prm.declare_entry("Extra PETSc options",
                      "",
                      Patterns::Anything(),
                      "Further PETSc options for the solver, written without "
                      "the 'roofspan_' prefix, e.g. "
                      "'-pc_hypre_boomeramg_strong_threshold 0.6'.");
    prm.leave_subsection();
  }

  void LinearSolver::parse_parameters(ParameterHandler &prm, const std::string &file)
  {
    prm.enter_subsection("Linear solver");
    preconditioner      = prm.get("Preconditioner");
    operator_choice     = prm.get("Operator");
    smoothing           = prm.get_integer("Smoothing degree");
    relative_tolerance  = prm.get_double("Relative tolerance");
    max_iterations      = prm.get_integer("Maximum iterations");
    direct_fallback     = prm.get_integer("Direct fallback size");
    extra_options       = prm.get("Extra PETSc options");
    node_blocks         = prm.get_bool("Node blocks");
    factorisation_reuse = prm.get_integer("Factorisation reuse");
    prm.leave_subsection();
    require(factorisation_reuse == 0 || preconditioner == "direct",
            file,
            "Linear solver/Factorisation reuse",
            "must be 0 unless Preconditioner = direct (it keeps the direct solver's LU "
            "factors)");
    require(node_blocks || preconditioner != "gamg",
            file,
            "Linear solver/Node blocks",
            "GAMG needs node blocks for the rigid-body near-nullspace");
    if (!extra_options.empty())
      {
        const std::string refusal = petsc_refusal(extra_options, preconditioner);
        require(refusal.empty(),
                file,
                "Linear solver/Extra PETSc options",
                "PETSc refuses '" + extra_options + "': " + refusal);
      }
  }

  void LinearSolver::keep_petsc_errors_quiet()
  {
    const char *traceback = std::getenv("ROOFSPAN_TRACEBACK");
    petsc_traceback       = traceback != nullptr && std::string(traceback) == "1";
    PetscPushErrorHandler(remember_petsc_error, nullptr);
  }

  std::string LinearSolver::last_petsc_error()
  {
    return petsc_error_message;
  }

  void LinearSolver::set_boomeramg_defaults(const std::string &prefix, const unsigned int dim)
  {
    const auto set = [&](const std::string &key, const std::string &value) {
      ROOFSPAN_PETSC(PetscOptionsSetValue(nullptr, ("-" + prefix + key).c_str(), value.c_str()));
    };
    set("pc_hypre_boomeramg_coarsen_type", "HMIS");
    set("pc_hypre_boomeramg_interp_type", "ext+i");
    set("pc_hypre_boomeramg_P_max", "4");
    // Aggressive coarsening on two levels in 3D: a third less AMG setup
    // time and memory for two more CG iterations on the benchmark block
    // (22 -> 24), none on the 3D intersection (28 -> 30, same CG time).
    set("pc_hypre_boomeramg_agg_nl", dim == 3 ? "2" : "1");
    set("pc_hypre_boomeramg_strong_threshold", dim == 3 ? "0.5" : "0.25");
    set("pc_hypre_boomeramg_relax_type_all", "Chebyshev");
  }

  unsigned int LinearSolver::block_size(const unsigned int dim) const
  {
    return node_blocks ? dim : 1;
  }

  LinearSolver::Statistics LinearSolver::solve(SystemMatrix                     &A,
                                               PETScWrappers::MPI::Vector       &x,
                                               const PETScWrappers::MPI::Vector &b,
                                               const unsigned int                dim,
                                               const std::vector<double>        &coordinates) const
  {
    if (preconditioner == "direct" && factorisation_reuse > 0)
      return solve_with_kept_factors(A, x, b);
    Statistics     stats;
    const MPI_Comm comm = A.get_mpi_communicator();
    Timer          timer(comm, true);
    PhaseProfile   profile(comm, std::cout, "solve");
    if (preconditioner == "boomeramg")
      A.convert_to_hypre();
    profile.lap("matrix to hypre");
    Mat mat = A.petsc_matrix();

    // Defaults first, then the case's own options on top.
    if (preconditioner == "boomeramg")
      {
        set_boomeramg_defaults(prefix, dim);
      }
    else if (preconditioner == "gamg")
      {
        set_option("pc_gamg_type", "agg");
        set_option("pc_gamg_agg_nsmooths", "1");
        set_option("pc_gamg_threshold", "0.01");
        set_option("mg_levels_ksp_type", "chebyshev");
        set_option("mg_levels_pc_type", "jacobi");
      }
    if (!extra_options.empty())
      {
        ROOFSPAN_PETSC(PetscOptionsInsertString(nullptr, with_prefix(extra_options).c_str()));
      }

    MatNullSpace near_nullspace = nullptr;
    if (preconditioner == "gamg")
      {
        Vec            coords;
        const PetscInt n_local = coordinates.size();
        ROOFSPAN_PETSC(VecCreateMPI(comm, n_local, PETSC_DETERMINE, &coords));
        ROOFSPAN_PETSC(VecSetBlockSize(coords, dim));
        PetscScalar *c;
        ROOFSPAN_PETSC(VecGetArray(coords, &c));
        std::copy(coordinates.begin(), coordinates.end(), c);
        ROOFSPAN_PETSC(VecRestoreArray(coords, &c));
        ROOFSPAN_PETSC(MatNullSpaceCreateRigidBody(coords, &near_nullspace));
        ROOFSPAN_PETSC(MatSetNearNullSpace(mat, near_nullspace));
        ROOFSPAN_PETSC(VecDestroy(&coords));
      }

    KSP ksp;
    PC  pc;
    // The direct solver factorises the same matrix object (new values, same
    // pattern) at every Newton iteration: with its KSP kept, MUMPS's
    // analysis (ordering, symbolic factorisation) is done once.
    const bool direct = preconditioner == "direct";
    if (direct && !direct_factorisation)
      direct_factorisation = std::make_shared<DirectFactorisation>();
    const bool reuse =
        direct && direct_factorisation->ksp != nullptr && direct_factorisation->matrix == mat;
    if (reuse)
      {
        ksp = direct_factorisation->ksp;
        ROOFSPAN_PETSC(KSPSetOperators(ksp, mat, mat));
        ROOFSPAN_PETSC(KSPGetPC(ksp, &pc));
      }
    else
      {
        if (direct)
          direct_factorisation->release();
        ROOFSPAN_PETSC(KSPCreate(comm, &ksp));
        ROOFSPAN_PETSC(KSPSetOptionsPrefix(ksp, prefix));
        ROOFSPAN_PETSC(KSPSetOperators(ksp, mat, mat));
        if (preconditioner == "direct")
          ROOFSPAN_PETSC(KSPSetType(ksp, KSPPREONLY));
        else if (A.is_symmetric())
          ROOFSPAN_PETSC(KSPSetType(ksp, KSPCG));
        else
          {
            // Unsymmetric tangent (non-associated flow): GMRES, preconditioned
            // from the right so that its residual is the true one.
            ROOFSPAN_PETSC(KSPSetType(ksp, KSPGMRES));
            ROOFSPAN_PETSC(KSPGMRESSetRestart(ksp, 200));
            ROOFSPAN_PETSC(KSPSetPCSide(ksp, PC_RIGHT));
          }
        // The trap: PETSc's default CG norm is the preconditioned residual.
        ROOFSPAN_PETSC(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
        ROOFSPAN_PETSC(
            KSPSetTolerances(ksp, relative_tolerance, 0.0, PETSC_DEFAULT, max_iterations));
        ROOFSPAN_PETSC(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE));
        ROOFSPAN_PETSC(KSPGetPC(ksp, &pc));
        if (preconditioner == "boomeramg")
          {
            ROOFSPAN_PETSC(PCSetType(pc, PCHYPRE));
            ROOFSPAN_PETSC(PCHYPRESetType(pc, "boomeramg"));
          }
        else if (preconditioner == "direct")
          {
            ROOFSPAN_PETSC(PCSetType(pc, PCLU));
            ROOFSPAN_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
          }
        else
          ROOFSPAN_PETSC(PCSetType(pc, PCGAMG));
        ROOFSPAN_PETSC(KSPSetFromOptions(ksp));
        if (direct)
          {
            direct_factorisation->ksp    = ksp;
            direct_factorisation->matrix = mat;
          }
      }

    // A failed factorisation is not kept.
    const auto forget_on_failure = [&](const PetscErrorCode code, const char *call) {
      if (code != 0 && direct)
        direct_factorisation->release();
      check(code, call);
    };
    forget_on_failure(KSPSetUp(ksp), "KSPSetUp");
    forget_on_failure(PCSetUp(pc), "PCSetUp");
    timer.stop();
    profile.lap("preconditioner setup");
    stats.setup_seconds = timer.last_wall_time();

    timer.restart();
    forget_on_failure(KSPSolve(ksp, static_cast<const Vec &>(b), static_cast<const Vec &>(x)),
                      "KSPSolve");
    timer.stop();
    stats.solve_seconds = timer.last_wall_time();
    profile.lap("Krylov solve");

    PetscInt its;
    ROOFSPAN_PETSC(KSPGetIterationNumber(ksp, &its));
    stats.iterations = its;
    KSPConvergedReason reason;
    ROOFSPAN_PETSC(KSPGetConvergedReason(ksp, &reason));

    stats.relative_residual = true_relative_residual(A, x, b);

    if (!direct)
      ROOFSPAN_PETSC(KSPDestroy(&ksp));
    if (near_nullspace)
      ROOFSPAN_PETSC(MatNullSpaceDestroy(&near_nullspace));

    // GMRES on a plastic tangent can stall just short of a tight tolerance;
    // a Newton correction needs far less.
    if (reason == KSP_DIVERGED_ITS && !A.is_symmetric() && stats.relative_residual < 1e-6)
      reason = KSP_CONVERGED_ITS;
    stats.factorisations = direct ? 1 : 0;
    stats.method         = preconditioner == "direct" ? "direct (MUMPS LU)" :
                           A.is_symmetric()           ? "CG" :
                                                        "GMRES";
    if (reason < 0 && !std::isfinite(stats.relative_residual))
      reason = KSP_DIVERGED_NANORINF;
    if (reason < 0 && direct)
      {
        const bool out_of_memory = factorisation_out_of_memory(direct_factorisation->ksp);
        direct_factorisation->release();
        if (out_of_memory)
          throw_out_of_memory("the linear solver (" + stats.method + ") did not solve");
      }
    const std::string failure = "the linear solver (" + stats.method + " + " + preconditioner +
                                ") did not converge (PETSc reason " + std::to_string(reason) +
                                ") after " + std::to_string(its) +
                                " iterations; true relative residual " +
                                std::to_string(stats.relative_residual);
    if (reason < 0 && preconditioner != "direct" && A.m() <= direct_fallback)
      {
        // Recover with the direct solver on this system (small models).
        LinearSolver direct   = *this;
        direct.preconditioner = "direct";
        direct.extra_options.clear();
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          std::cout << "    " << failure << ": solved with MUMPS LU instead\n";
        Mat aij = nullptr;
        ROOFSPAN_PETSC(MatConvert(mat, MATAIJ, MAT_INITIAL_MATRIX, &aij));
        Statistics fallback = direct.solve_aij(aij, x, b);
        ROOFSPAN_PETSC(MatDestroy(&aij));
        fallback.iterations += stats.iterations;
        fallback.setup_seconds += stats.setup_seconds;
        fallback.solve_seconds += stats.solve_seconds;
        fallback.method    = stats.method + ", then direct (MUMPS LU)";
        fallback.fallbacks = 1;
        return fallback;
      }
    if (reason < 0)
      throw LinearSolverFailure(failure);
    return stats;
  }
  LinearSolver::Statistics
  LinearSolver::solve_with_kept_factors(SystemMatrix                     &A,
                                        PETScWrappers::MPI::Vector       &x,
                                        const PETScWrappers::MPI::Vector &b) const
  {
    Statistics     stats;
    const MPI_Comm comm = A.get_mpi_communicator();
    Mat            mat  = A.petsc_matrix();
    stats.method        = "GMRES + kept LU (MUMPS)";
    if (!direct_factorisation)
      direct_factorisation = std::make_shared<DirectFactorisation>();
    DirectFactorisation &kept = *direct_factorisation;
    // The kept KSP holds a reference to the matrix it factorised, so a new
    // matrix (new pattern: bolts installed) can never share its address.
    if (kept.ksp != nullptr && kept.matrix != mat)
      kept.release();
    const auto fail = [&](const std::string &what) {
      const bool out_of_memory = factorisation_out_of_memory(kept.ksp);
      kept.release();
      if (out_of_memory)
        throw_out_of_memory("the linear solver (" + stats.method + ") " + what);
      throw LinearSolverFailure("the linear solver (" + stats.method + ") " + what);
    };
    const auto checked = [&](const PetscErrorCode code, const char *call) {
      if (code != 0)
        fail(std::string("failed in ") + call + " (PETSc error " + std::to_string(code) + ")");
    };
    if (kept.ksp == nullptr)
      {
        KSP ksp;
        PC  pc;
        checked(KSPCreate(comm, &ksp), "KSPCreate");
        kept.ksp    = ksp;
        kept.matrix = mat;
        checked(KSPSetOptionsPrefix(ksp, prefix), "KSPSetOptionsPrefix");
        checked(KSPSetType(ksp, KSPGMRES), "KSPSetType");
        checked(KSPGMRESSetRestart(ksp, factorisation_reuse), "KSPGMRESSetRestart");
        // Right preconditioning: GMRES's residual is the true one.
        checked(KSPSetPCSide(ksp, PC_RIGHT), "KSPSetPCSide");
        checked(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED), "KSPSetNormType");
        checked(KSPSetTolerances(ksp, relative_tolerance, 0.0, PETSC_DEFAULT, factorisation_reuse),
                "KSPSetTolerances");
        checked(KSPGetPC(ksp, &pc), "KSPGetPC");
        checked(PCSetType(pc, PCLU), "PCSetType");
        checked(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS), "PCFactorSetMatSolverType");
        checked(KSPSetFromOptions(ksp), "KSPSetFromOptions");
        checked(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
        kept.factorised = false;
      }
    KSP ksp = kept.ksp;
    PC  pc;
    checked(KSPGetPC(ksp, &pc), "KSPGetPC");

    Timer      timer(comm, true);
    const auto attempt = [&](const bool refactorise) {
      timer.restart();
      // Without reuse, PCSetUp redoes MUMPS's numeric factorisation with the
      // current values (the analysis of the pattern is kept).
      checked(PCSetReusePreconditioner(pc, refactorise ? PETSC_FALSE : PETSC_TRUE),
              "PCSetReusePreconditioner");
      checked(KSPSetOperators(ksp, mat, mat), "KSPSetOperators");
      checked(KSPSetUp(ksp), "KSPSetUp");
      checked(PCSetUp(pc), "PCSetUp (LU factorisation)");
      timer.stop();
      stats.setup_seconds += timer.last_wall_time();
      if (refactorise)
        ++stats.factorisations;
      kept.factorised = true;
      timer.restart();
      checked(KSPSolve(ksp, static_cast<const Vec &>(b), static_cast<const Vec &>(x)), "KSPSolve");
      timer.stop();
      stats.solve_seconds += timer.last_wall_time();
      PetscInt its;
      checked(KSPGetIterationNumber(ksp, &its), "KSPGetIterationNumber");
      stats.iterations += its;
      KSPConvergedReason reason;
      checked(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
      return reason > 0;
    };
    const bool fresh = !kept.factorised;
    if (!attempt(fresh) && (fresh || !attempt(true)))
      fail("did not converge even on the factors of the current tangent");

    stats.relative_residual = true_relative_residual(A, x, b);
    if (!std::isfinite(stats.relative_residual) || stats.relative_residual > 1e-6)
      fail("left a true relative residual of " + std::to_string(stats.relative_residual));
    return stats;
  }

  LinearSolver::Statistics LinearSolver::solve_aij(Mat                               mat,
                                                   PETScWrappers::MPI::Vector       &x,
                                                   const PETScWrappers::MPI::Vector &b) const
  {
    Statistics stats;
    MPI_Comm   comm;
    ROOFSPAN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(mat), &comm));
    Timer timer(comm, true);
    KSP   ksp;
    PC    pc;
    ROOFSPAN_PETSC(KSPCreate(comm, &ksp));
    ROOFSPAN_PETSC(KSPSetOperators(ksp, mat, mat));
    ROOFSPAN_PETSC(KSPSetType(ksp, KSPPREONLY));
    ROOFSPAN_PETSC(KSPGetPC(ksp, &pc));
    ROOFSPAN_PETSC(PCSetType(pc, PCLU));
    ROOFSPAN_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
    ROOFSPAN_PETSC(KSPSetUp(ksp));
    timer.stop();
    stats.setup_seconds = timer.last_wall_time();
    timer.restart();
    ROOFSPAN_PETSC(KSPSolve(ksp, static_cast<const Vec &>(b), static_cast<const Vec &>(x)));
    timer.stop();
    stats.solve_seconds = timer.last_wall_time();
    stats.iterations    = 1;
    KSPConvergedReason reason;
    ROOFSPAN_PETSC(KSPGetConvergedReason(ksp, &reason));
    const bool out_of_memory = reason < 0 && factorisation_out_of_memory(ksp);
    ROOFSPAN_PETSC(KSPDestroy(&ksp));
    if (out_of_memory)
      throw_out_of_memory("the fallback to the direct solver did not solve");
    Vec r;
    ROOFSPAN_PETSC(VecDuplicate(b, &r));
    ROOFSPAN_PETSC(MatMult(mat, x, r));
    ROOFSPAN_PETSC(VecAYPX(r, -1., b));
    PetscReal r_norm, b_norm;
    ROOFSPAN_PETSC(VecNorm(r, NORM_2, &r_norm));
    ROOFSPAN_PETSC(VecNorm(b, NORM_2, &b_norm));
    ROOFSPAN_PETSC(VecDestroy(&r));
    stats.relative_residual = b_norm > 0 ? r_norm / b_norm : r_norm;
    stats.method            = "direct (MUMPS LU)";
    if (reason < 0 || !std::isfinite(stats.relative_residual) || stats.relative_residual > 1e-6)
      throw LinearSolverFailure("the direct solver (MUMPS LU) failed (PETSc reason " +
                                std::to_string(reason) + "; true relative residual " +
                                std::to_string(stats.relative_residual) + ")");
    return stats;
  }
} // namespace roofspan
