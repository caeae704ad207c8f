#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/simulator.h>
#include <roofspan/simulator/telltale_postprocessor.h>

#include <nlohmann/json.hpp>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  TelltalePostprocessor<dim>::TelltalePostprocessor(const Simulator<dim> &model)
      : model(model)
  {
  }

  template <int dim>
  void TelltalePostprocessor<dim>::execute(const AnalysisState<dim> &state,
                                           OutputDirectory &,
                                           nlohmann::json &summary)
  {
    const auto &settings = model.telltale_settings;
    const auto &roof     = model.geometry->roof;
    const auto &surface  = model.geometry->bolt_surface;
    // The telltales start on the opening's roof, or where a shape without
    // one (a layered block) has its bolts collared.
    if (!roof.present && !surface.present)
      return;
    const double base_elevation = roof.present ? roof.elevation : surface.elevation;
    Point<dim>   middle         = roof.mid_span;
    if (!roof.present)
      {
        middle[0] = surface.centre;
        if (dim == 3)
          middle[1] = (surface.row_begin + surface.row_end) / 2;
        middle[dim - 1] = surface.elevation;
      }
    std::vector<double> heights = settings.anchor_heights;
    if (heights.empty())
      {
        if (!model.bolt_pattern.present())
          return;
        heights = {model.bolt_pattern.length, 2 * model.bolt_pattern.length};
      }
    std::vector<std::pair<std::string, Point<dim>>> places;
    if (settings.points.empty())
      places.emplace_back("mid_span", middle);
    for (const auto &[name, x] : settings.points)
      {
        Point<dim> p;
        for (unsigned int d = 0; d + 1 < dim; ++d)
          p[d] = x[d];
        p[dim - 1] = base_elevation;
        places.emplace_back(name, p);
      }

    const PETScWrappers::MPI::Vector rock = model.rock_part(state.solution);
    const FieldSampler<dim>          sampler(model);
    nlohmann::json                   list = nlohmann::json::array();
    for (const auto &[name, base] : places)
      {
        nlohmann::json telltale = {{"name", name},
                                   {"point", std::vector<double>(&base[0], &base[0] + dim)}};
        const auto     roof_u   = sampler.displacement_at(rock, base);
        if (!roof_u)
          {
            telltale["error"] = "the roof point is outside the mesh";
            list.push_back(telltale);
            continue;
          }
        nlohmann::json      anchors = nlohmann::json::array();
        std::vector<double> readings;
        for (const double h : heights)
          {
            Point<dim> anchor = base;
            anchor[dim - 1] += h;
            const auto u = sampler.displacement_at(rock, anchor);
            if (!u)
              {
                anchors.push_back({{"height", h}, {"error", "anchor outside the mesh"}});
                continue;
              }
            readings.push_back((*u)[dim - 1] - (*roof_u)[dim - 1]);
            anchors.push_back({{"height", h}, {"separation", readings.back()}});
          }
        telltale["anchors"] = anchors;
        if (readings.size() == heights.size())
          {
            telltale["within_bolted_height"] = readings.front();
            if (readings.size() > 1)
              telltale["above_bolted_height"] = readings.back() - readings.front();
          }
        list.push_back(telltale);
      }
    summary["telltales"] = list;
  }

  template class TelltalePostprocessor<2>;
  template class TelltalePostprocessor<3>;
} // namespace roofspan
