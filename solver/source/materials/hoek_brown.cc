#include <roofspan/core/input_error.h>
#include <roofspan/materials/hoek_brown.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/rock_unit.h>
#include <roofspan/materials/spectral_tangent.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/tensor.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    using Vec3 = std::array<double, 3>;

    double dot(const Vec3 &x, const Vec3 &y)
    {
      return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    }

    /**
     * The root of a monotone g in [lo, hi] (g(lo) and g(hi) of opposite
     * signs, either order): Newton's method, bisection whenever a step
     * leaves the bracket or does not halve it. False if it does not
     * converge to `tolerance` on g in 200 steps.
     */
    template <typename G>
    bool bracketed_root(const G &g, double lo, double hi, const double tolerance, double &root)
    {
      double g_lo = g(lo).first;
      if (std::abs(g_lo) <= tolerance)
        {
          root = lo;
          return true;
        }
      double x = 0.5 * (lo + hi), previous_width = std::abs(hi - lo);
      for (unsigned int k = 0; k < 200; ++k)
        {
          const auto [value, slope] = g(x);
          if (!std::isfinite(value))
            return false;
          if (std::abs(value) <= tolerance)
            {
              root = x;
              return true;
            }
          // Keep the sign change inside [lo, hi].
          if ((value > 0) == (g_lo > 0))
            {
              lo   = x;
              g_lo = value;
            }
          else
            hi = x;
          const double width = std::abs(hi - lo);
          if (width <= 1e-15 * std::max(std::abs(lo), std::abs(hi)))
            {
              root = x;
              return true;
            }
          double next = slope != 0 && std::isfinite(slope) ? x - value / slope : lo;
          if (!(next > std::min(lo, hi) && next < std::max(lo, hi)) || width > 0.5 * previous_width)
            next = 0.5 * (lo + hi);
          previous_width = width;
          x              = next;
        }
      return false;
    }
  } // namespace

  HoekBrown::HoekBrown(const double lambda,
                       const double mu,
                       const double sigma_ci,
                       const double m_b,
                       const double s,
                       const double a,
                       const double dilation_angle_degrees)
      : lambda(lambda)
      , mu(mu)
      , sigma_ci(sigma_ci)
      , m_b(m_b)
      , s(s)
      , a(a)
      , psi(dilation_angle_degrees * M_PI / 180)
      , C(LinearElastic::tangent(lambda, mu))
  {
  }

  HoekBrown::Constants
  HoekBrown::constants(const double gsi, const double m_i, const double disturbance)
  {
    Constants k;
    k.m_b = m_i * std::exp((gsi - 100) / (28 - 14 * disturbance));
    k.s   = std::exp((gsi - 100) / (9 - 3 * disturbance));
    k.a   = 0.5 + (std::exp(-gsi / 15) - std::exp(-20. / 3)) / 6;
    return k;
  }

  double HoekBrown::hoek_diederichs_modulus(const double intact_modulus,
                                            const double gsi,
                                            const double disturbance)
  {
    return intact_modulus *
           (0.02 + (1 - disturbance / 2) / (1 + std::exp((60 + 15 * disturbance - gsi) / 11)));
  }

  std::vector<std::string> HoekBrown::branch_names() const
  {
    return {"elastic",
            "Hoek-Brown face",
            "Hoek-Brown edge sigma_1 = sigma_2",
            "Hoek-Brown edge sigma_2 = sigma_3",
            "Hoek-Brown apex"};
  }

  double HoekBrown::strength(const double sigma_3, const StrengthFactor &F) const
  {
    const double ci = sigma_ci / F.factor;
    return sigma_3 + ci * std::pow(std::max(m_b * sigma_3 / ci + s, 0.), a);
  }

  double HoekBrown::yield_function(const SymmetricTensor<2, 3> &stress,
                                   const StrengthFactor        &F) const
  {
    const double ci = sigma_ci / F.factor;
    // Jacobi: the closed-form eigenvalues lose half the digits at a
    // repeated eigenvalue (a triaxial edge).
    const auto   e    = eigenvectors(stress, SymmetricTensorEigenvectorMethod::jacobi);
    const double base = s - m_b * e[0].first / ci;
    if (base < 0)
      return std::numeric_limits<double>::infinity();
    return e[0].first - e[2].first - ci * std::pow(base, a);
  }

  StressUpdate HoekBrown::update(const SymmetricTensor<2, 3> &strain,
                                 const SymmetricTensor<2, 3> &initial_stress,
                                 const MaterialState         &old_state,
                                 const StrengthFactor        &F,
                                 const TimeIncrement &) const
  {
    StressUpdate                result;
    const SymmetricTensor<2, 3> trial =
        initial_stress + C * (strain - PlasticStrain::get(old_state));
    result.state = old_state;

    const double ci      = sigma_ci / F.factor;
    const double tension = s * ci / m_b; // apex: hydrostatic tensile strength
    // h(x): the strength sigma_1 - sigma_3 at sigma_1 = x; h' its slope
    // (-infinity at the apex when a < 1).
    const auto h = [&](const double x) { return ci * std::pow(std::max(s - m_b * x / ci, 0.), a); };
    const auto dh = [&](const double x) {
      const double base = std::max(s - m_b * x / ci, 1e-300);
      return -a * m_b * std::pow(base, a - 1);
    };

    if (!std::isfinite(trial.norm()))
      {
        result.ok      = false;
        result.failure = "Hoek-Brown: the trial stress is not finite";
        result.stress  = trial;
        result.tangent = C;
        return result;
      }
    const auto   eig  = eigenvectors(trial, SymmetricTensorEigenvectorMethod::jacobi);
    const Vec3   s_tr = {eig[0].first, eig[1].first, eig[2].first};
    const double scale =
        std::max({std::abs(s_tr[0]), std::abs(s_tr[2]), ci * std::pow(s, a), tension, 1.0});
    const double tol = 1e-12 * scale;

    if (s_tr[0] < tension && s_tr[0] - s_tr[2] - h(s_tr[0]) <= tol)
      {
        result.stress     = trial;
        result.tangent    = C;
        result.state.mode = YieldMode::elastic;
        return result;
      }

    // Flow directions D b for b13 = (K, 0, -1), b23 = (0, K, -1),
    // b12 = (K, -1, 0); D x = lambda tr(x) 1 + 2 mu x.
    const double K      = (1 + std::sin(psi)) / (1 - std::sin(psi));
    const double c      = lambda * (K - 1);
    const Vec3   u      = {c + 2 * mu * K, c, c - 2 * mu};
    const Vec3   v      = {c, c + 2 * mu * K, c - 2 * mu};
    const Vec3   w      = {c + 2 * mu * K, c - 2 * mu, c};
    Vec3         sr     = s_tr;
    unsigned int branch = face;
    Vec3         flow_a = u, flow_b{0, 0, 0};
    bool         found  = false;

    // Face: sigma = s_tr - dl u; phi(dl) = f13 decreases strictly.
    {
      const double A   = s_tr[0] - s_tr[2];
      const double B   = 2 * mu * (K + 1);
      const double lo  = std::max(0., (s_tr[0] - tension) / u[0]);
      const double hi  = A / B;
      const auto   phi = [&](const double dl) {
        const double x = s_tr[0] - dl * u[0];
        return std::make_pair(A - dl * B - h(x), -B + dh(x) * u[0]);
      };
      double dl = 0;
      if (hi > lo && phi(lo).first >= 0 && bracketed_root(phi, lo, hi, tol, dl))
        {
          for (unsigned int i = 0; i < 3; ++i)
            sr[i] = s_tr[i] - dl * u[i];
          found  = sr[0] >= sr[1] - tol && sr[1] >= sr[2] - tol;
          branch = face;
        }
    }
    // Which edge first: the one the face return crossed (or, with no face
    // root, the nearer one of the trial stress).
    const bool face_root  = !found && sr != s_tr;
    const bool major_edge = face_root ? sr[0] < sr[1] : s_tr[0] - s_tr[1] < s_tr[1] - s_tr[2];
    const auto edge       = [&](const bool on_major) {
      // On sigma_1 = sigma_2 (flows u, v) or sigma_2 = sigma_3 (u, w): the
      // component of the stress normal to the plane of the two flows does
      // not change in the return, which leaves one equation in x = sigma_1.
      Vec3 n = on_major ? Vec3{2 * mu - c, 2 * mu - c, 2 * c + 2 * mu * K} :
                                Vec3{2 * (c - mu), -(c + 2 * mu * K), -(c + 2 * mu * K)};
      // Unit length: the equation's tolerance is then one on stress.
      const double n_norm = std::sqrt(dot(n, n));
      for (double &component : n)
        component /= n_norm;
      const double n_tr  = dot(n, s_tr);
      const auto   point = [&](const double x) {
        return on_major ? Vec3{x, x, x - h(x)} : Vec3{x, x - h(x), x - h(x)};
      };
      const auto phi = [&](const double x) {
        // n . (s_tr - p(x)): zero on the edge point the return reaches.
        const double slope = -dh(x);
        const Vec3   dp    = on_major ? Vec3{1, 1, 1 + slope} : Vec3{1, 1 + slope, 1 + slope};
        return std::make_pair(n_tr - dot(n, point(x)), -dot(n, dp));
      };
      // phi is monotone, positive far below on the major edge and negative
      // on the minor one: no root if it has that sign at the apex already.
      const double at_apex = phi(tension).first;
      if ((at_apex > 0) == on_major)
        return false;
      double lo = std::min(s_tr[2], tension) - scale;
      for (unsigned int k = 0; k < 60 && (phi(lo).first > 0) == (at_apex > 0); ++k)
        lo -= 2 * (tension - lo);
      double x = 0;
      if ((phi(lo).first > 0) == (at_apex > 0) || !bracketed_root(phi, lo, tension, tol, x))
        return false;
      const Vec3  p  = point(x);
      const Vec3  d  = {s_tr[0] - p[0], s_tr[1] - p[1], s_tr[2] - p[2]};
      const Vec3 &f2 = on_major ? v : w;
      // d = dl_a u + dl_b f2 (least squares: d lies in their plane).
      const double uu = dot(u, u), uf = dot(u, f2), ff = dot(f2, f2);
      const double ud = dot(u, d), fd = dot(f2, d), det = uu * ff - uf * uf;
      const double dl_a = (ff * ud - uf * fd) / det, dl_b = (uu * fd - uf * ud) / det;
      if (dl_a < -1e-14 * scale / mu || dl_b < -1e-14 * scale / mu)
        return false;
      sr     = p;
      flow_b = f2;
      branch = on_major ? edge_major : edge_minor;
      return true;
    };
    if (!found)
      found = edge(major_edge) || edge(!major_edge);
    if (!found)
      {
        // Apex: hydrostatic tension at the tensile strength. Every flow
        // direction has a trace >= 0, so a return only lowers the mean
        // stress: a trial below the apex (or not finite) reaching here is a
        // failed update, not the apex.
        const double mean = (s_tr[0] + s_tr[1] + s_tr[2]) / 3;
        if (!std::isfinite(mean) || mean < tension - tol)
          {
            result.ok      = false;
            result.failure = "Hoek-Brown return mapping found no face, edge or apex return";
            result.stress  = trial;
            result.tangent = C;
            return result;
          }
        sr     = {tension, tension, tension};
        branch = apex;
        found  = true;
      }

    // Principal algorithmic tangent D - U (A^T U)^-1 A^T D (potential linear:
    // no curvature term); zero at the apex.
    std::array<std::array<double, 3>, 3> Dep{};
    if (branch != apex)
      {
        const auto D = [&](const Vec3 &x) {
          const double tr = x[0] + x[1] + x[2];
          return Vec3{lambda * tr + 2 * mu * x[0],
                      lambda * tr + 2 * mu * x[1],
                      lambda * tr + 2 * mu * x[2]};
        };
        const double        g1 = 1 - dh(sr[0]);
        std::array<Vec3, 2> grads, flows;
        unsigned int        n = 1;
        grads[0]              = {g1, 0, -1};
        flows[0]              = flow_a;
        if (branch == edge_major)
          {
            grads[1] = {0, 1 - dh(sr[1]), -1};
            flows[1] = flow_b;
            n        = 2;
          }
        else if (branch == edge_minor)
          {
            grads[1] = {g1, -1, 0};
            flows[1] = flow_b;
            n        = 2;
          }
        // M = A^T U (n x n) and its inverse.
        double M[2][2] = {{0, 0}, {0, 0}}, Minv[2][2];
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            M[i][j] = dot(grads[i], flows[j]);
        if (n == 1)
          Minv[0][0] = 1 / M[0][0];
        else
          {
            const double det = M[0][0] * M[1][1] - M[0][1] * M[1][0];
            Minv[0][0]       = M[1][1] / det;
            Minv[1][1]       = M[0][0] / det;
            Minv[0][1]       = -M[0][1] / det;
            Minv[1][0]       = -M[1][0] / det;
          }
        for (unsigned int col = 0; col < 3; ++col)
          {
            Vec3 e{0, 0, 0};
            e[col]        = 1;
            const Vec3 De = D(e);
            for (unsigned int row = 0; row < 3; ++row)
              Dep[row][col] = De[row];
            for (unsigned int i = 0; i < n; ++i)
              for (unsigned int j = 0; j < n; ++j)
                {
                  const double aDe = dot(grads[j], De);
                  for (unsigned int row = 0; row < 3; ++row)
                    Dep[row][col] -= flows[i][row] * Minv[i][j] * aDe;
                }
          }
      }
    spectral_stress_and_tangent(eig, sr, Dep, lambda, mu, scale, result.stress, result.tangent);
    if (branch == apex)
      result.tangent = 0;
    PlasticStrain::set(result.state, strain - invert(C) * (result.stress - initial_stress));
    result.state.mode = branch == apex ? YieldMode::tension : YieldMode::shear;
    result.branch     = branch;
    return result;
  }

  namespace
  {
    RockModelMaker parse_hoek_brown(ParameterHandler &prm, RockUnit &unit)
    {
      const std::string path = "Rock unit/Hoek-Brown/";
      const std::string file = unit.file;
      prm.enter_subsection("Hoek-Brown");
      const double      sigma_ci = prm.get_double("Intact compressive strength");
      const double      gsi      = prm.get_double("GSI");
      const double      m_i      = prm.get_double("mi");
      const double      D        = prm.get_double("Disturbance factor");
      const double      psi      = prm.get_double("Dilation angle");
      const std::string modulus  = prm.get("Rock-mass modulus");
      const double      E_i      = prm.get_double("Intact modulus");
      prm.leave_subsection();
      require(sigma_ci > 0,
              file,
              path + "Intact compressive strength",
              "expected sigma_ci > 0 Pa, got " + format_number(sigma_ci));
      require(gsi >= 5 && gsi <= 100,
              file,
              path + "GSI",
              "expected 5 <= GSI <= 100, got " + format_number(gsi));
      require(m_i > 0 && m_i <= 50,
              file,
              path + "mi",
              "expected 0 < mi <= 50, got " + format_number(m_i));
      require(D >= 0 && D <= 1,
              file,
              path + "Disturbance factor",
              "expected 0 <= D <= 1, got " + format_number(D));
      require(psi >= 0 && psi < 90,
              file,
              path + "Dilation angle",
              "expected 0 <= psi < 90 degrees, got " + format_number(psi));
      if (modulus == "Hoek-Diederichs 2006")
        {
          require(E_i > 0,
                  file,
                  path + "Intact modulus",
                  "'Rock-mass modulus = Hoek-Diederichs 2006' needs the intact modulus "
                  "Ei > 0 Pa, got " +
                      format_number(E_i));
          require(unit.youngs_modulus == -1,
                  file,
                  "Rock unit/Young's modulus",
                  "the Hoek-Brown model derives the rock-mass modulus from Ei, GSI and D "
                  "('Rock-mass modulus = Hoek-Diederichs 2006'): leave Young's modulus unset");
          unit.youngs_modulus = HoekBrown::hoek_diederichs_modulus(E_i, gsi, D);
        }
      else
        require(E_i == 0,
                file,
                path + "Intact modulus",
                "the intact modulus is used only with 'Rock-mass modulus = "
                "Hoek-Diederichs 2006'; this unit gives its Young's modulus");
      const auto   k      = HoekBrown::constants(gsi, m_i, D);
      const double lambda = unit.lame_lambda(), mu = unit.shear_modulus();
      return [=](unsigned int) {
        return std::make_unique<HoekBrown>(lambda, mu, sigma_ci, k.m_b, k.s, k.a, psi);
      };
    }
  } // namespace

  ROOFSPAN_REGISTER_ROCK_MODEL(
      hoek_brown,
      (RockModelRegistry::Entry{
          "hoek brown",
          "generalised Hoek-Brown rock mass (GSI, mi, D, sigma_ci), perfectly plastic, "
          "Mohr-Coulomb-type flow with a dilation angle (subsection Hoek-Brown); the factor "
          "of safety divides sigma_ci.",
          [](ParameterHandler &prm) {
            using Patterns::Double;
            prm.enter_subsection("Hoek-Brown");
            prm.declare_entry("Intact compressive strength",
                              "-1",
                              Double(),
                              "Uniaxial compressive strength of the intact rock sigma_ci [Pa].");
            prm.declare_entry("GSI", "-1", Double(), "Geological Strength Index, 5 to 100.");
            prm.declare_entry("mi", "-1", Double(), "Intact-rock constant m_i [-].");
            prm.declare_entry("Disturbance factor",
                              "0",
                              Double(),
                              "Disturbance factor D, 0 (undisturbed) to 1 [-].");
            prm.declare_entry("Dilation angle",
                              "0",
                              Double(),
                              "Dilation angle psi of the Mohr-Coulomb-type plastic "
                              "potential [degrees].");
            prm.declare_entry("Rock-mass modulus",
                              "given",
                              Patterns::Selection("given|Hoek-Diederichs 2006"),
                              "'given': the unit's Young's modulus; 'Hoek-Diederichs 2006': "
                              "E_rm = Ei (0.02 + (1 - D/2) / (1 + exp((60 + 15 D - GSI) / 11))) "
                              "from the intact modulus (leave Young's modulus unset).");
            prm.declare_entry("Intact modulus",
                              "0",
                              Double(),
                              "Intact-rock Young's modulus Ei [Pa], for 'Hoek-Diederichs 2006'.");
            prm.leave_subsection();
          },
          parse_hoek_brown}))
} // namespace roofspan
