#include <roofspan/core/input_error.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/mohr_coulomb.h>
#include <roofspan/materials/rock_unit.h>
#include <roofspan/materials/spectral_tangent.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/tensor.h>
#include <deal.II/lac/full_matrix.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    using Vec3 = std::array<double, 3>;

    /// The planes a_j . sigma = r_j with flow directions b_j, in principal
    /// space, for the reduced strength.
    struct Planes
    {
      std::array<Vec3, 6>   a, b;
      std::array<double, 6> r;
      std::array<bool, 6>   tension;
    };

    Planes planes(const double c, const double phi, const double psi, const double T)
    {
      const double k = (1 + std::sin(phi)) / (1 - std::sin(phi));
      const double m = (1 + std::sin(psi)) / (1 - std::sin(psi));
      const double sc =
          2 * c * std::cos(phi) / (1 - std::sin(phi)); // uniaxial compressive strength
      Planes p;
      // k sigma_major - sigma_minor = sigma_c, on the three orderings that
      // meet at the sextant's edges and apex.
      p.a[0] = {k, 0, -1};
      p.b[0] = {m, 0, -1};
      p.a[1] = {0, k, -1};
      p.b[1] = {0, m, -1};
      p.a[2] = {k, -1, 0};
      p.b[2] = {m, -1, 0};
      for (unsigned int j = 0; j < 3; ++j)
        {
          p.r[j]           = sc;
          p.tension[j]     = false;
          p.a[3 + j]       = {0, 0, 0};
          p.a[3 + j][j]    = 1;
          p.b[3 + j]       = p.a[3 + j];
          p.r[3 + j]       = T;
          p.tension[3 + j] = true;
        }
      return p;
    }

    double dot(const Vec3 &x, const Vec3 &y)
    {
      return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    }
  } // namespace

  MohrCoulomb::MohrCoulomb(const double lambda,
                           const double mu,
                           const double cohesion,
                           const double friction_angle_degrees,
                           const double dilation_angle_degrees,
                           const double tensile_strength)
      : lambda(lambda)
      , mu(mu)
      , cohesion(cohesion)
      , phi(friction_angle_degrees * M_PI / 180)
      , psi(dilation_angle_degrees * M_PI / 180)
      , tensile(tensile_strength)
  {
  }

  double MohrCoulomb::yield_function(const SymmetricTensor<2, 3> &stress,
                                     const StrengthFactor        &F) const
  {
    const auto   r = F.reduce(cohesion, phi, psi, tensile);
    const Planes p = planes(r.cohesion, r.friction, r.dilation, r.tensile);
    const auto   e = eigenvectors(stress, SymmetricTensorEigenvectorMethod::jacobi);
    const Vec3   s = {e[0].first, e[1].first, e[2].first};
    double       f = -1e300;
    for (unsigned int j = 0; j < 6; ++j)
      f = std::max(f, dot(p.a[j], s) - p.r[j]);
    return f;
  }

  StressUpdate MohrCoulomb::update(const SymmetricTensor<2, 3> &strain,
                                   const SymmetricTensor<2, 3> &initial_stress,
                                   const MaterialState         &old_state,
                                   const StrengthFactor        &F,
                                   const TimeIncrement &) const
  {
    StressUpdate                result;
    const SymmetricTensor<4, 3> C = LinearElastic::tangent(lambda, mu);
    const SymmetricTensor<2, 3> trial =
        initial_stress + C * (strain - PlasticStrain::get(old_state));
    const auto   reduced = F.reduce(cohesion, phi, psi, tensile);
    const Planes p = planes(reduced.cohesion, reduced.friction, reduced.dilation, reduced.tensile);

    // Principal trial stresses, sorted sigma_1 >= sigma_2 >= sigma_3.
    const auto   eig   = eigenvectors(trial, SymmetricTensorEigenvectorMethod::jacobi);
    const Vec3   s_tr  = {eig[0].first, eig[1].first, eig[2].first};
    const double scale = std::max({std::abs(s_tr[0]), std::abs(s_tr[2]), p.r[0], 1.0});
    const double tol   = 1e-12 * scale;

    const auto f = [&](const unsigned int j, const Vec3 &s) { return dot(p.a[j], s) - p.r[j]; };
    // Principal elastic matrix D = lambda 1 1^T + 2 mu I.
    const auto D = [&](const Vec3 &x) {
      const double tr = x[0] + x[1] + x[2];
      return Vec3{lambda * tr + 2 * mu * x[0],
                  lambda * tr + 2 * mu * x[1],
                  lambda * tr + 2 * mu * x[2]};
    };

    // Elastic if no plane is violated.
    unsigned int first   = 6;
    double       first_f = tol;
    for (unsigned int j = 0; j < 6; ++j)
      if (f(j, s_tr) > first_f)
        {
          first   = j;
          first_f = f(j, s_tr);
        }
    result.state = old_state;
    if (first == 6)
      {
        result.stress     = trial;
        result.tangent    = C;
        result.state.mode = YieldMode::elastic;
        return result;
      }

    // Return onto a set of at most three planes: every subset, smallest
    // first, is tried; the first whose multipliers are all >= 0 and whose
    // returned stress violates no plane is the answer (for linear planes
    // this is the return's active set; 41 tiny solves at most, and only at
    // yielding points).
    std::vector<unsigned int> active;
    Vec3                      s = s_tr;
    FullMatrix<double>        M, Minv;
    std::vector<double>       dl;
    bool                      done    = false;
    const auto                try_set = [&](const std::vector<unsigned int> &set) {
      const unsigned int n = set.size();
      M.reinit(n, n);
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          M(i, j) = dot(p.a[set[i]], D(p.b[set[j]]));
      if (std::abs(M.determinant()) < 1e-12 * std::pow(M.frobenius_norm(), double(n)))
        return false;
      Minv.reinit(n, n);
      Minv.invert(M);
      dl.assign(n, 0.);
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          dl[i] += Minv(i, j) * f(set[j], s_tr);
      if (*std::min_element(dl.begin(), dl.end()) < 0)
        return false;
      Vec3 candidate = s_tr;
      for (unsigned int i = 0; i < n; ++i)
        {
          const Vec3 d = D(p.b[set[i]]);
          for (unsigned int c = 0; c < 3; ++c)
            candidate[c] -= dl[i] * d[c];
        }
      for (unsigned int j = 0; j < 6; ++j)
        if (f(j, candidate) > 1e-10 * scale)
          return false;
      s      = candidate;
      active = set;
      return true;
    };
    for (unsigned int i = 0; i < 6 && !done; ++i)
      done = try_set({i});
    for (unsigned int i = 0; i < 6 && !done; ++i)
      for (unsigned int j = i + 1; j < 6 && !done; ++j)
        done = try_set({i, j});
    for (unsigned int i = 0; i < 6 && !done; ++i)
      for (unsigned int j = i + 1; j < 6 && !done; ++j)
        for (unsigned int k = j + 1; k < 6 && !done; ++k)
          done = try_set({i, j, k});
    if (done)
      {
        // Minv must belong to the accepted set (try_set leaves the last tried).
        try_set(active);
      }
    if (!done)
      {
        result.ok      = false;
        result.failure = "Mohr-Coulomb return mapping found no active set";
        result.stress  = trial;
        result.tangent = C;
        return result;
      }

    // Algorithmic tangent in principal space: D - D B M^-1 A D.
    FullMatrix<double> Dep(3, 3);
    for (unsigned int a = 0; a < 3; ++a)
      {
        Vec3 e{0, 0, 0};
        e[a]           = 1;
        const Vec3 col = D(e);
        for (unsigned int b = 0; b < 3; ++b)
          Dep(b, a) = col[b];
      }
    const unsigned int n = active.size();
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        {
          const Vec3 Db = D(p.b[active[i]]);
          const Vec3 Da = D(p.a[active[j]]); // D symmetric: (a^T D)^T = D a
          for (unsigned int r = 0; r < 3; ++r)
            for (unsigned int c = 0; c < 3; ++c)
              Dep(r, c) -= Db[r] * Minv(i, j) * Da[c];
        }

    // Back to tensors: stress, and the tangent with the rotation of the
    // principal directions.
    std::array<std::array<double, 3>, 3> principal_tangent;
    for (unsigned int r = 0; r < 3; ++r)
      for (unsigned int c = 0; c < 3; ++c)
        principal_tangent[r][c] = Dep(r, c);
    spectral_stress_and_tangent(
        eig, s, principal_tangent, lambda, mu, scale, result.stress, result.tangent);

    const SymmetricTensor<4, 3> S = invert(C);
    PlasticStrain::set(result.state, strain - S * (result.stress - initial_stress));
    unsigned int n_tension = 0;
    for (const unsigned int j : active)
      n_tension += p.tension[j] ? 1 : 0;
    const unsigned int n_shear = active.size() - n_tension;
    result.state.mode          = n_tension > 0 ? YieldMode::tension : YieldMode::shear;
    result.branch              = n_tension > 0 && n_shear > 0 ? shear_tension :
                                 n_tension > 1                ? tension_edge :
                                 n_tension == 1               ? tension_face :
                                 n_shear > 1                  ? shear_edge :
                                                                shear_face;
    return result;
  }

  std::vector<std::string> MohrCoulomb::branch_names() const
  {
    return {"elastic",
            "Mohr-Coulomb shear face",
            "Mohr-Coulomb shear edge",
            "tension cut-off face",
            "tension cut-off edge/apex",
            "shear + tension corner"};
  }

  void MohrCoulomb::declare_strength(dealii::ParameterHandler &prm)
  {
    using dealii::Patterns::Double;
    prm.declare_entry("Cohesion", "0", Double(), "Cohesion c' [Pa].");
    prm.declare_entry("Friction angle", "0", Double(), "Friction angle phi' [degrees].");
    prm.declare_entry("Dilation angle",
                      "0",
                      Double(),
                      "Dilation angle psi [degrees], 0 <= psi <= phi.");
    prm.declare_entry("Tensile strength",
                      "0",
                      Double(),
                      "Tensile strength [Pa], at most the Mohr-Coulomb apex "
                      "c / tan(phi).");
  }

  MohrCoulomb::Strength MohrCoulomb::parse_strength(dealii::ParameterHandler &prm,
                                                    const std::string        &file,
                                                    const std::string        &path)
  {
    Strength s;
    s.cohesion         = prm.get_double("Cohesion");
    s.friction_angle   = prm.get_double("Friction angle");
    s.dilation_angle   = prm.get_double("Dilation angle");
    s.tensile_strength = prm.get_double("Tensile strength");
    const auto   key   = [&](const std::string &name) { return path + "/" + name; };
    const double c = s.cohesion, phi = s.friction_angle, psi = s.dilation_angle,
                 T = s.tensile_strength;
    require(c >= 0, file, key("Cohesion"), "expected c >= 0, got " + format_number(c));
    require(phi >= 0 && phi < 90,
            file,
            key("Friction angle"),
            "expected 0 <= phi < 90 degrees, got " + format_number(phi));
    require(psi >= 0 && psi <= phi,
            file,
            key("Dilation angle"),
            "expected 0 <= psi <= phi (" + format_number(phi) + "), got " + format_number(psi));
    require(T >= 0,
            file,
            key("Tensile strength"),
            "expected a tensile strength >= 0, got " + format_number(T));
    if (phi > 0)
      {
        const double apex = c / std::tan(phi * M_PI / 180.);
        require(T <= apex * (1 + 1e-12),
                file,
                key("Tensile strength"),
                "tensile strength " + format_number(T) +
                    " Pa exceeds the Mohr-Coulomb apex c/tan(phi) = " + format_number(apex) +
                    " Pa");
      }
    return s;
  }

  MohrCoulomb MohrCoulomb::parse_rock(dealii::ParameterHandler &prm, const RockUnit &unit)
  {
    prm.enter_subsection("Mohr-Coulomb");
    const auto s = parse_strength(prm, unit.file, "Rock unit/Mohr-Coulomb");
    prm.leave_subsection();
    return MohrCoulomb(unit.lame_lambda(),
                       unit.shear_modulus(),
                       s.cohesion,
                       s.friction_angle,
                       s.dilation_angle,
                       s.tensile_strength);
  }

  namespace
  {
    RockModelMaker parse_mohr_coulomb(dealii::ParameterHandler &prm, RockUnit &unit)
    {
      const MohrCoulomb model = MohrCoulomb::parse_rock(prm, unit);
      return [=](unsigned int) { return std::make_unique<MohrCoulomb>(model); };
    }
  } // namespace

  ROOFSPAN_REGISTER_ROCK_MODEL(
      mohr_coulomb,
      (RockModelRegistry::Entry{
          "mohr coulomb",
          "perfectly plastic Mohr-Coulomb with a tension cut-off and non-associated flow "
          "(subsection Mohr-Coulomb).",
          [](dealii::ParameterHandler &prm) {
            prm.enter_subsection("Mohr-Coulomb");
            MohrCoulomb::declare_strength(prm);
            prm.leave_subsection();
          },
          parse_mohr_coulomb}))
} // namespace roofspan
