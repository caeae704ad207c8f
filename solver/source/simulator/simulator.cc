#include <roofspan/core/failure_watchdog.h>
#include <roofspan/core/input_error.h>
#include <roofspan/core/model_size.h>
#include <roofspan/core/output_directory.h>
#include <roofspan/core/rank_liveness.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/simulator/bolt_postprocessor.h>
#include <roofspan/simulator/contact_results_postprocessor.h>
#include <roofspan/simulator/factor_of_safety_analysis.h>
#include <roofspan/simulator/field_series_recorder.h>
#include <roofspan/simulator/rock_results_postprocessor.h>
#include <roofspan/simulator/run_record_postprocessor.h>
#include <roofspan/simulator/simulator.h>
#include <roofspan/simulator/staged_excavation.h>
#include <roofspan/simulator/telltale_postprocessor.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void Simulator<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Dimension", "2", Patterns::Integer(2, 3), "2 (plane strain) or 3.");
    prm.declare_entry("Output directory",
                      "",
                      Patterns::Anything(),
                      "Where results go; empty means output/<case name> "
                      "under the current directory. --output-dir overrides.");
    prm.enter_subsection("Discretization");
    prm.declare_entry("Polynomial degree",
                      "2",
                      Patterns::Integer(1, 2),
                      "Degree of the FE_Q displacement elements. Quadratic "
                      "elements do not lock in bending of thin layers.");
    prm.declare_entry("Global refinements",
                      "0",
                      Patterns::Integer(0, 10),
                      "Uniform refinements of the built mesh.");
    prm.declare_entry("Memory limit",
                      "auto",
                      Patterns::Anything(),
                      "Largest estimated memory (GiB) a run may need: 'auto' is the "
                      "physical memory of the nodes the run's ranks are on, 'none' "
                      "switches the check off, a number sets it. A model whose "
                      "estimate (printed with the refusal) exceeds it is refused "
                      "before it is built.");
    prm.leave_subsection();
    prm.enter_subsection("Loads");
    prm.declare_entry("Gravity", "true", Patterns::Bool(), "Body force from the unit weights.");
    prm.leave_subsection();
    FieldSeriesRecorder<dim>::declare_parameters(prm);
    prm.enter_subsection("Output");
    prm.declare_entry("Write VTU", "true", Patterns::Bool(), "pvd + pvtu/vtu for ParaView.");
    prm.declare_entry("Write HDF5", "true", Patterns::Bool(), "HDF5 + XDMF with the same fields.");
    prm.declare_entry("Compare with displacement function",
                      "false",
                      Patterns::Bool(),
                      "Verification: report the L2 and H1-seminorm errors of "
                      "the displacement against 'Boundary conditions/"
                      "Displacement function' (a closed-form solution).");
    prm.declare_entry("Probe points",
                      "",
                      Patterns::Anything(),
                      "Points whose displacement and total stress go into "
                      "summary.json: comma-separated 'name: x y [z]'.");
    prm.leave_subsection();

    MaterialLibrary::declare_parameters(prm);
    Stratigraphy::declare_parameters(prm);
    ModelGeometry<dim>::declare_parameters(prm);
    InSituStress<dim>::declare_parameters(prm);
    BoundaryConditions<dim>::declare_parameters(prm);
    LinearSolver::declare_parameters(prm);
    NonlinearSolver::declare_parameters(prm);
    LoadBalancing::declare_parameters(prm);
    BoltPattern<dim>::declare_parameters(prm);
    StrengthReduction::declare_parameters(prm);
    TelltaleSettings::declare_parameters(prm);
  }

  template <int dim>
  Simulator<dim>::Simulator(ParameterHandler  &prm,
                            const std::string &file,
                            const std::string &output_dir,
                            MPI_Comm           comm)
      : mpi_communicator(comm)
      , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
      , case_file(file)
      , p4est_mesh(comm) // no mesh smoothing: the mesh is only refined uniformly
      , fully_distributed_mesh(comm)
  {
    output_directory = output_dir.empty() ? prm.get("Output directory") : output_dir;
    if (output_directory.empty())
      output_directory = "output/" + std::filesystem::path(file).stem().string();

    {
      // File parameters are relative to the case file: written out absolute,
      // so that parameters.prm reruns from the run folder.
      // (absolute() of the file, not of its parent: a bare file name has an
      // empty parent, which std::filesystem::absolute rejects.)
      const auto base = std::filesystem::absolute(std::filesystem::path(file)).parent_path();
      const auto absolute_paths = [&](const std::string &list) {
        std::string result;
        for (const auto &entry : Utilities::split_string_list(list, ','))
          {
            std::filesystem::path path(entry);
            if (path.is_relative())
              path = (base / path).lexically_normal();
            result += (result.empty() ? "" : ", ") + path.string();
          }
        return result;
      };
      ParameterHandler effective;
      declare_parameters(effective);
      std::ostringstream original;
      prm.print_parameters(original, ParameterHandler::ShortPRM);
      effective.parse_input_from_string(original.str());
      effective.enter_subsection("Materials");
      effective.set("Library directories", absolute_paths(effective.get("Library directories")));
      effective.leave_subsection();
      effective.enter_subsection("Geometry");
      effective.enter_subsection("Gmsh");
      if (!effective.get("Mesh file").empty())
        effective.set("Mesh file", absolute_paths(effective.get("Mesh file")));
      effective.leave_subsection();
      effective.leave_subsection();
      std::ostringstream text;
      effective.print_parameters(text, ParameterHandler::ShortPRM);
      effective_parameters = text.str();

      // The inputs a result folder must never swallow.
      protected_inputs.emplace_back("the case file", std::filesystem::absolute(file).string());
      effective.enter_subsection("Materials");
      for (const auto &dir : Utilities::split_string_list(effective.get("Library directories")))
        protected_inputs.emplace_back("the material library", dir);
      effective.leave_subsection();
      effective.enter_subsection("Geometry");
      effective.enter_subsection("Gmsh");
      if (!effective.get("Mesh file").empty())
        protected_inputs.emplace_back("the mesh file", effective.get("Mesh file"));
      effective.leave_subsection();
      effective.leave_subsection();
    }
    prm.enter_subsection("Discretization");
    degree             = prm.get_integer("Polynomial degree");
    global_refinements = prm.get_integer("Global refinements");
    memory_limit       = prm.get("Memory limit");
    require(valid_memory_limit(memory_limit),
            file,
            "Discretization/Memory limit",
            "expected 'auto', 'none' or a positive number of GiB, got '" + memory_limit + "'");
    prm.leave_subsection();
    prm.enter_subsection("Loads");
    gravity = prm.get_bool("Gravity");
    prm.leave_subsection();
    prm.enter_subsection("Output");
    write_vtu                          = prm.get_bool("Write VTU");
    write_hdf5                         = prm.get_bool("Write HDF5");
    compare_with_displacement_function = prm.get_bool("Compare with displacement function");
    const std::string probe_points     = prm.get("Probe points");
    prm.leave_subsection();

    field_series = FieldSeriesRecorder<dim>::parse_settings(prm);
    library.parse_parameters(prm, file);
    stratigraphy.parse_parameters(prm, file);
    stratigraphy.resolve(library);
    geometry = ModelGeometry<dim>::create(prm, file, library, stratigraphy);
    in_situ.parse_parameters(prm, file, stratigraphy, gravity);
    boundary_conditions.parse_parameters(prm, file, geometry->boundary_names);
    linear_solver.parse_parameters(prm, file);
    nonlinear_solver.parse_parameters(prm, file);
    load_balancing.parse_parameters(prm, file);
    strength_reduction.parse_parameters(prm, file);
    telltale_settings.parse_parameters(prm, file, dim);
    bolt_pattern.parse_parameters(prm, file, library, *geometry);
    warnings = bolt_pattern.warnings;
    require(!bolt_pattern.present() || linear_solver.preconditioner_name() != "gamg",
            file,
            "Linear solver/Preconditioner",
            "bolted models need 'boomeramg' or 'direct' (GAMG's rigid-body modes do not "
            "describe the bolt unknowns)");

    for (const auto &entry : Utilities::split_string_list(probe_points, ','))
      {
        const auto parts = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2,
                file,
                "Output/Probe points",
                "expected 'name: x y" + std::string(dim == 3 ? " z" : "") + "', got '" + entry +
                    "'");
        const auto coords = Utilities::split_string_list(parts[1], ' ');
        require(coords.size() == dim,
                file,
                "Output/Probe points",
                "point '" + parts[0] + "' needs " + format_number(dim) + " coordinates");
        Point<dim> p;
        for (unsigned int d = 0; d < dim; ++d)
          {
            char *end = nullptr;
            p[d]      = std::strtod(coords[d].c_str(), &end);
            require(end != coords[d].c_str() && *end == '\0' && std::isfinite(p[d]),
                    file,
                    "Output/Probe points",
                    "point '" + parts[0] + "': coordinate '" + coords[d] + "' is not a number");
          }
        probes.emplace_back(parts[0], p);
      }

    for (const auto &[id, region] : geometry->regions)
      {
        const RockUnit &unit = library.unit(region.unit, file, "region " + region.label);
        elastic[id]          = {unit.lame_lambda(), unit.shear_modulus(), unit.unit_weight};
        // A contact unit is no rock: under Elastic rock it keeps its own law
        // (an isotropic layer would give it a shear stiffness it has not).
        models[id] = library.elastic_rock && unit.contact_thickness == 0 ?
                         std::make_unique<LinearElastic>(unit.lame_lambda(), unit.shear_modulus()) :
                         unit.make_model(dim);
        branches.add(id, *models[id]);
        if (models[id]->contact_displacement(MaterialState()).is_contact)
          contact_materials.insert(id);
        plastic           = plastic || !models[id]->is_linear();
        symmetric_tangent = symmetric_tangent && models[id]->has_symmetric_tangent();
      }
    // A refined contact layer would be two cells thick, with a row of nodes
    // inside it that no constraint makes linear (contact_layer_constraints.h).
    require(contact_materials.empty() || global_refinements == 0,
            file,
            "Discretization/Global refinements",
            "a model with contacts (Stratigraphy/Contacts) cannot be refined globally: "
            "its contact layers must stay one cell thick; refine with the geometry's cell "
            "size instead");
    require(!strength_reduction.enabled() || plastic,
            file,
            "Strength reduction/Compute factor of safety",
            "every rock unit of this case is linear elastic: a factor of safety needs "
            "at least one plastic unit ('Constitutive model = mohr coulomb' in the library)");
    require(strength_reduction.check_factor() == 0 || plastic,
            file,
            "Strength reduction/Check factor",
            "every rock unit of this case is linear elastic: a strength check needs "
            "at least one plastic unit ('Constitutive model = mohr coulomb' in the library)");
    if (geometry->roof.present)
      probes.emplace_back("roof_mid_span", geometry->roof.mid_span);
    require(linear_solver.operator_type() != "matrix-free" || matrix_free_obstacle().empty(),
            file,
            "Linear solver/Operator",
            "'matrix-free' cannot solve this case: " + matrix_free_obstacle() +
                "; use 'assembled' or 'auto'");
    // Before any work (and in --validate): a folder roofspan may not replace.
    OutputDirectory::check(output_directory, protected_inputs, mpi_communicator);
  }

  template <int dim>
  std::string Simulator<dim>::preconditioner_description() const
  {
    if (use_matrix_free && bolts)
      return "two-level PCMG on rock and bolts (Chebyshev on Q2 + bolts, two BoomerAMG "
             "V-cycles on Q1 + bolts)";
    return use_matrix_free ? "hybrid multigrid (Chebyshev on Q2, two BoomerAMG V-cycles on Q1)" :
                             linear_solver.preconditioner_name();
  }

  template <int dim>
  std::string Simulator<dim>::matrix_free_obstacle() const
  {
    if (degree != 2)
      return "Polynomial degree is " + std::to_string(degree) +
             " (the multigrid goes from Q2 to Q1)";
    if (linear_solver.preconditioner_name() == "direct")
      return "Preconditioner = direct needs the assembled matrix";
    if (linear_solver.preconditioner_name() == "gamg")
      return "Preconditioner = gamg works on the assembled matrix (the matrix-free operator "
             "has its own multigrid: Chebyshev on Q2, BoomerAMG on Q1)";
    if (!contact_materials.empty())
      return "the model has contacts (the constraints that keep their layers linear across "
             "the thickness are verified on the assembled path only)";
    return "";
  }

  template <int dim>
  Simulator<dim>::~Simulator() = default;

  template <int dim>
  void Simulator<dim>::run()
  {
    OutputDirectory out(output_directory, mpi_communicator, protected_inputs);
    // A rank that stops answering ends the run instead of hanging it.
    RankLiveness liveness(out.liveness_folder(), out.staging_folder(), mpi_communicator);
    try
      {
        pcout << "roofspan " << ROOFSPAN_VERSION << ": " << case_file << " (" << dim << "D, "
              << geometry->description << ", Q" << degree << ", "
              << Utilities::MPI::n_mpi_processes(mpi_communicator) << " MPI ranks)\n";
        // Rank-local timers (each rank's own wall times; rank 0 prints):
        // a timer synchronised over the ranks would make every phase's end
        // a collective call, and a rank leaving a phase on an exception
        // would wait there for the others forever.
        computing_timer =
            std::make_unique<TimerOutput>(pcout, TimerOutput::never, TimerOutput::wall_times);
        Timer total(mpi_communicator, true);
        {
          Timer mesh_timer(mpi_communicator, true);
          make_mesh();
          mesh_timer.stop();
          mesh_seconds = mesh_timer.last_wall_time();
          pcout << "  mesh built in " << mesh_seconds << " s\n";
          for (const auto &w : warnings)
            pcout << "  warning: " << w << "\n";
        }
        setup_system();
        analysis = make_state(1., true);
        FieldSeriesRecorder<dim> field_series(*this, out, this->field_series);
        StagedExcavation<dim>(*this).run(analysis, true, &field_series);

        nlohmann::json summary;
        {
          TimerOutput::Scope t(*computing_timer, "output");
          Timer              timer(mpi_communicator, true);
          const auto         writing = [&](const auto &write) {
            try
              {
                write();
              }
            catch (const std::exception &e)
              {
                throw OutputFailure(out.write_failure(e.what()));
              }
          };
          RockResultsPostprocessor<dim>(*this).execute(analysis, out, summary);
          ContactResultsPostprocessor<dim>(*this).execute(analysis, out, summary);
          TelltalePostprocessor<dim>(*this).execute(analysis, out, summary);
          writing([&]() { BoltPostprocessor<dim>(*this).execute(analysis, out, summary); });
          timer.stop();
          output_seconds += timer.last_wall_time();
        }
        FactorOfSafetyAnalysis<dim>(*this, field_series).run(out, summary);
        // The field series over the stages and strength-reduction steps.
        try
          {
            field_series.write(summary);
          }
        catch (const std::exception &e)
          {
            throw OutputFailure(out.write_failure(e.what()));
          }
        total.stop();

        RunRecordPostprocessor<dim>(*this, total.last_wall_time()).execute(analysis, out, summary);

        if (Utilities::MPI::this_mpi_process(mpi_communicator) == 0)
          {
            // The parameters this run used (case file and --set, defaults
            // filled in): rerunning them gives this result.
            std::ofstream prm_file(out.staging_path("parameters.prm"));
            prm_file << "# Effective parameters of this run: " << case_file
                     << " with its --set overrides and every default written out.\n"
                     << "# roofspan " << ROOFSPAN_VERSION << '\n'
                     << effective_parameters;
            prm_file.close();
            if (!prm_file)
              throw OutputFailure(out.write_failure("writing parameters.prm"));
            std::ofstream f(out.staging_path("summary.json"));
            f << summary.dump(2) << '\n';
            f.close();
            if (!f)
              throw OutputFailure(out.write_failure("writing summary.json"));
          }
        liveness.stop(); // the commit removes its folder
        out.commit();
        pcout << "results in " << output_directory << "/ (summary.json)\n";
        computing_timer->print_summary();
      }
    catch (...)
      {
        arm_failure_watchdog(std::current_exception());
        liveness.stop(); // no beat into the folder being removed
        out.abandon();
        // Dropped here, not during unwinding: TimerOutput's destructor
        // would otherwise print a warning about the pending exception.
        computing_timer.reset();
        throw;
      }
  }

  template class Simulator<2>;
  template class Simulator<3>;
} // namespace roofspan
