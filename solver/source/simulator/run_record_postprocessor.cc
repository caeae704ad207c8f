#include <roofspan/core/provenance.h>
#include <roofspan/simulator/run_record_postprocessor.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/utilities.h>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  RunRecordPostprocessor<dim>::RunRecordPostprocessor(const Simulator<dim> &model,
                                                      const double          total_seconds)
      : model(model)
      , total_seconds(total_seconds)
  {
  }

  template <int dim>
  void RunRecordPostprocessor<dim>::execute(const AnalysisState<dim> &state,
                                            OutputDirectory &,
                                            nlohmann::json &summary)
  {
    const auto memory = [] {
      Utilities::System::MemoryStats stats;
      Utilities::System::get_memory_stats(stats);
      return 1024. * stats.VmHWM;
    }();
    summary["provenance"]        = Provenance::collect();
    summary["schema"]            = "roofspan-summary/1";
    summary["case"]              = std::filesystem::path(model.case_file).stem().string();
    summary["case_file"]         = model.case_file;
    summary["model"]             = model.geometry->description;
    summary["dim"]               = dim;
    summary["degree"]            = model.degree;
    summary["ranks"]             = Utilities::MPI::n_mpi_processes(model.mpi_communicator);
    summary["cells"]             = model.mesh->n_global_active_cells();
    summary["mesh_distribution"] = model.mesh == &model.p4est_mesh ? "p4est" : "fully distributed";
    summary["dofs"]              = model.dof_handler.n_dofs();
    summary["stage"]             = "excavation";
    summary["boundary_conditions"] = model.boundary_conditions.describe();
    summary["warnings"]            = model.warnings;
    summary["in_situ_model"]       = model.in_situ.model_name();
    summary["solver"]              = {{"method", model.solver_statistics.method},
                                      {"direct_fallbacks", model.solver_statistics.fallbacks},
                                      {"factorisations", model.solver_statistics.factorisations},
                                      {"preconditioner", model.preconditioner_description()},
                                      {"operator", model.use_matrix_free ? "matrix-free" : "assembled"},
                                      {"iterations", model.solver_statistics.iterations},
                                      {"linear_solves", model.n_linear_solves},
                                      {"relative_residual", model.solver_statistics.relative_residual},
                                      {"tolerance", model.linear_solver.tolerance()}};
    nlohmann::json stage_list      = nlohmann::json::array();
    for (const StageRecord &stage : state.stages)
      {
        nlohmann::json steps = nlohmann::json::array();
        for (unsigned int i = 0; i < stage.steps.size(); ++i)
          {
            steps.push_back(NonlinearSolver::summary_entry(stage.steps[i]));
            if (i < stage.collar_forces.size())
              steps.back()["bolt_collar_forces"] = stage.collar_forces[i];
          }
        stage_list.push_back({{"name", stage.name},
                              {"load_factor_from", stage.from},
                              {"load_factor_to", stage.to},
                              {"steps", steps}});
        if (model.geometry->roof.present)
          stage_list.back()["roof_sag_mid_span"] = stage.roof_sag;
      }
    summary["stages"]           = stage_list;
    summary["nonlinear_solver"] = model.nonlinear_solver.summary_entry();
    {
      nlohmann::json list = nlohmann::json::array();
      for (const auto &r : model.repartitions)
        list.push_back({{"stage", "support installation"},
                        {"yielded_cells", r.yielded_cells},
                        {"owned_cells_before", r.cells_before},
                        {"owned_cells_after", r.cells_after}});
      summary["load_balancing"] = {
          {"repartition_at_support_installation", model.load_balancing.repartition_at_installation},
          {"cost_of_nonlinear_cell", model.load_balancing.nonlinear_cell_cost},
          {"cost_of_yielding", model.load_balancing.yielded_cell_cost},
          {"repartitions", list}};
    }
    if (model.jacobian_check_enabled)
      {
        nlohmann::json branches = nlohmann::json::object();
        for (const auto &[name, entry] : model.jacobian_record.branches)
          branches[name] = {{"count", entry.first}, {"relative_difference", entry.second}};
        summary["jacobian_check"] = {{"checks", model.jacobian_record.checks},
                                     {"branches", branches}};
      }
    summary["times"]  = {{"mesh", model.mesh_seconds},
                         {"setup", model.setup_seconds},
                         {"assembly", model.assembly_seconds},
                         {"preconditioner_setup", model.solver_statistics.setup_seconds},
                         {"linear_solve", model.solver_statistics.solve_seconds},
                         {"output", model.output_seconds},
                         {"total", total_seconds}};
    summary["memory"] = {{"peak_rss_max_rank", Utilities::MPI::max(memory, model.mpi_communicator)},
                         {"peak_rss_sum", Utilities::MPI::sum(memory, model.mpi_communicator)}};
    {
      nlohmann::json phases = nlohmann::json::array();
      for (const auto &lap : model.mesh_phases)
        phases.push_back({{"phase", lap.what},
                          {"seconds", lap.seconds},
                          {"rss_max_rank", lap.rss_max_rank},
                          {"peak_rss_max_rank", lap.peak_rss_max_rank}});
      summary["mesh_ingestion"] = {{"reader", model.mesh_reader}, {"phases", phases}};
    }
  }

  template class RunRecordPostprocessor<2>;
  template class RunRecordPostprocessor<3>;
} // namespace roofspan
