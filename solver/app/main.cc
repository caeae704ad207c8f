// The roofspan command line: run, validate or document a case file.
#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/failure_watchdog.h>
#include <roofspan/core/input_error.h>
#include <roofspan/core/parameter_file_check.h>
#include <roofspan/core/provenance.h>
#include <roofspan/materials/material_library.h>
#include <roofspan/simulator/simulator.h>
#include <roofspan/solvers/linear_solver.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <hdf5.h>
#include <unistd.h>

namespace
{
  using namespace roofspan;
  using dealii::ParameterHandler;

  const char *usage = R"(usage: roofspan [options] case.prm

Runs the finite-element analysis of a case and writes its output directory
(solution.pvd/pvtu, solution.xdmf/h5, summary.json).

options:
  --help                  this text
  --version               the version
  --validate              check the case (parameters, materials, geometry,
                          mesh) and run nothing
  --set "Section/Key=v"   override one parameter (repeatable), e.g.
                          --set "Geometry/Room and pillar/Room span=3.5"
  --output-dir DIR        write results to DIR
  --check-jacobian        compare the assembled tangent with central
                          differences of the residual after every Newton
                          correction, per branch (summary.json
                          "jacobian_check"); for tests
  --print-parameters      print every case parameter with its documentation
                          (and those of a rock-unit file), then exit

Exit codes: 0 success; 1 internal error; 2 bad input; 3 no equilibrium (the
roof cannot carry the load: the physical verdict, with the load reached and
the load-displacement path); 4 Newton stalled (numerical: the path showed no
collapse); 5 linear solver failure; 6 non-finite values.
MPI: mpirun -np N roofspan case.prm (scripts/mpirun.sh handles root/containers).
)";

  struct Options
  {
    std::string                                      case_file;
    std::string                                      output_dir;
    std::vector<std::pair<std::string, std::string>> overrides;
    bool                                             validate       = false;
    bool                                             check_jacobian = false;
  };

  void apply_override(ParameterHandler &prm, const std::string &path, const std::string &value)
  {
    auto parts = dealii::Utilities::split_string_list(path, '/');
    if (parts.empty())
      throw InputError("command line", path, "expected --set \"Section/Key=value\"");
    const std::string key = parts.back();
    parts.pop_back();
    try
      {
        for (const auto &s : parts)
          prm.enter_subsection(s);
        prm.set(key, value);
      }
    catch (const std::exception &e)
      {
        const std::string message = library_message(e);
        if (message.find("not yet declared") != std::string::npos)
          throw InputError("command line --set",
                           path,
                           "no such parameter (roofspan --print-parameters lists them)" +
                               retired_parameter(key));
        throw InputError("command line --set", path, message);
      }
    for (unsigned int i = 0; i < parts.size(); ++i)
      prm.leave_subsection();
  }

  template <int dim>
  void read_case(ParameterHandler &prm, const Options &options)
  {
    Simulator<dim>::declare_parameters(prm);
    check_parameter_file(options.case_file);
    try
      {
        prm.parse_input(options.case_file, "", false, true);
      }
    catch (const std::exception &e)
      {
        throw InputError(options.case_file, "", library_message(e));
      }
    for (const auto &[path, value] : options.overrides)
      apply_override(prm, path, value);
    check_numeric_values(prm, options.case_file);
  }

  template <int dim>
  int run(const Options &options, MPI_Comm comm)
  {
    ParameterHandler prm;
    read_case<dim>(prm, options);
    Simulator<dim> simulator(prm, options.case_file, options.output_dir, comm);
    if (options.validate)
      {
        const auto warnings = simulator.validate();
        if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
          {
            for (const auto &w : warnings)
              std::cout << "warning: " << w << "\n";
            std::cout << options.case_file << ": valid (" << dim << "D)\n";
          }
        return 0;
      }
    if (options.check_jacobian)
      simulator.enable_jacobian_check();
    simulator.run();
    return 0;
  }
} // namespace

namespace
{
  // Transparent huge pages for the large allocations (mesh, matrix, AMG
  // hierarchy): first-touch page faults cost about 4 s of 22 on the 1.4 M-DoF
  // benchmark block. glibc reads its tunables only at start-up, so the
  // process sets the tunable and starts itself again (same PID, before MPI
  // is initialised). ROOFSPAN_NO_HUGE_PAGES=1 turns this off.
  void restart_with_huge_pages(char **argv)
  {
    if (std::getenv("ROOFSPAN_NO_HUGE_PAGES") != nullptr)
      return;
    const char *current  = std::getenv("GLIBC_TUNABLES");
    std::string tunables = current != nullptr ? current : "";
    if (tunables.find("glibc.malloc.hugetlb") != std::string::npos)
      return;
    tunables += std::string(tunables.empty() ? "" : ":") + "glibc.malloc.hugetlb=1";
    // Through the executable's real path, not /proc/self/exe: the process
    // keeps its name ("roofspan" in top and ps, not "exe").
    char          path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
      return;
    path[n] = '\0';
    if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) == 0)
      execv(path, argv); // returns only on failure: run as we are
  }
} // namespace

namespace
{
  /**
   * Ends the run on an error so that no rank hangs. Ranks that fail together
   * (every input check and every analysis failure is decided collectively)
   * meet in a barrier on a communicator of their own and return the exit
   * code, rank 0 printing the message once. A rank that fails alone cannot
   * wait for the others (they may be blocked in a collective call that it
   * will never join): after a grace period it prints its own message and
   * aborts the whole job with the same exit code.
   */
  int end_with(const MPI_Comm failures, const int code, const std::string &message)
  {
    const double grace_seconds = roofspan::failure_grace_seconds();
    MPI_Request  all_failed;
    MPI_Ibarrier(failures, &all_failed);
    const double start = MPI_Wtime();
    int          done  = 0;
    while (!done && MPI_Wtime() - start < grace_seconds)
      {
        MPI_Test(&all_failed, &done, MPI_STATUS_IGNORE);
        if (!done)
          usleep(5000);
      }
    int rank = 0, size = 1;
    MPI_Comm_rank(failures, &rank);
    MPI_Comm_size(failures, &size);
    if (done)
      {
        if (rank == 0)
          std::cerr << message << std::flush;
        return code;
      }
    std::cerr << message << "roofspan: the error occurred on rank " << rank << " of " << size
              << " only; ending all ranks\n"
              << std::flush;
    MPI_Abort(MPI_COMM_WORLD, code);
    return code;
  }
} // namespace

int main(int argc, char **argv)
{
  restart_with_huge_pages(argv);
  // Line-buffered even into a pipe or a batch log: progress shows as it
  // happens, not when the run ends.
  setvbuf(stdout, nullptr, _IOLBF, 0);
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                           comm = MPI_COMM_WORLD;
  const bool root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
  // Failure agreement runs on its own communicator: it must never be
  // matched with a collective call other ranks are blocked in.
  MPI_Comm failures;
  MPI_Comm_dup(comm, &failures);
  // PETSc's error stacks stay off the terminal: its message goes into ours.
  LinearSolver::keep_petsc_errors_quiet();
  // Likewise HDF5's automatic error stack (40 lines per rank on a full
  // disk): the writer's failure reaches the user as our one line.
  // ROOFSPAN_TRACEBACK=1 keeps both stacks, for a developer.
  const char *traceback = std::getenv("ROOFSPAN_TRACEBACK");
  if (traceback == nullptr || std::string(traceback) != "1")
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

  try
    {
      Options options;
      for (int i = 1; i < argc; ++i)
        {
          const std::string arg  = argv[i];
          const auto        next = [&]() -> std::string {
            if (i + 1 >= argc)
              throw InputError("command line", arg, "expects a value");
            return argv[++i];
          };
          if (arg == "--help" || arg == "-h")
            {
              if (root)
                std::cout << usage;
              return 0;
            }
          else if (arg == "--version")
            {
              if (root)
                std::cout << Provenance::describe();
              return 0;
            }
          else if (arg == "--print-parameters")
            {
              if (root)
                {
                  ParameterHandler prm;
                  Simulator<2>::declare_parameters(prm);
                  std::cout << "# roofspan " << ROOFSPAN_VERSION
                            << ": every case-file parameter (generated by "
                               "roofspan --print-parameters)\n";
                  prm.print_parameters(std::cout, ParameterHandler::PRM);
                  ParameterHandler unit;
                  MaterialLibrary::declare_unit_parameters(unit);
                  std::cout << "\n# A rock-unit file of the material library\n";
                  unit.print_parameters(std::cout, ParameterHandler::PRM);
                }
              return 0;
            }
          else if (arg == "--validate")
            options.validate = true;
          else if (arg == "--check-jacobian")
            options.check_jacobian = true;
          else if (arg == "--output-dir")
            {
              options.output_dir = next();
              if (options.output_dir.empty())
                throw InputError("command line",
                                 "--output-dir",
                                 "expects a folder, got an empty string (leave the option "
                                 "out for the case's 'Output directory')");
            }
          else if (arg == "--set")
            {
              const std::string s  = next();
              const auto        eq = s.find('=');
              if (eq == std::string::npos)
                throw InputError("command line", "--set " + s, "expected \"Section/Key=value\"");
              options.overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
            }
          else if (arg.rfind("-", 0) == 0)
            throw InputError("command line", arg, "unknown option; see roofspan --help");
          else if (options.case_file.empty())
            options.case_file = arg;
          else
            throw InputError("command line", arg, "only one case file can be given");
        }
      if (options.case_file.empty())
        throw InputError("command line", "", "no case file given; see roofspan --help");
      if (!std::filesystem::exists(options.case_file))
        throw InputError(options.case_file, "", "the case file does not exist");
      // A FIFO, a device, a folder, a huge or binary file, includes that
      // loop: refused before ParameterHandler reads it.
      check_parameter_file(options.case_file);

      // The dimension decides which Simulator to build: read it first.
      unsigned int dim = 2;
      {
        ParameterHandler prm;
        read_case<2>(prm, options);
        dim = prm.get_integer("Dimension");
      }
      return dim == 2 ? run<2>(options, comm) : run<3>(options, comm);
    }
  catch (...)
    {
      const FailureReport report = describe_failure(std::current_exception());
      return end_with(failures, report.exit_code, report.message);
    }
}
