#include <roofspan/materials/strength_factor.h>

#include <algorithm>
#include <cmath>

namespace roofspan
{
  StrengthFactor::Shear StrengthFactor::reduce(const double c,
                                               const double phi,
                                               const double psi,
                                               const double tensile) const
  {
    Shear        s;
    const double tan_phi = std::tan(phi) / factor;
    s.friction           = std::atan(tan_phi);
    s.dilation           = std::min(psi, s.friction);
    s.cohesion           = c / factor;
    // A tensile strength at the Mohr-Coulomb apex c / tan(phi) means no
    // tension cut-off; the apex does not move under the reduction, so neither
    // does such a "cut-off" (reducing it would create one below the apex).
    const bool no_cut_off = tensile >= (1 - 1e-9) * c / std::tan(phi);
    s.tensile             = no_cut_off ? tensile : tensile / factor;
    if (davis > 0)
      {
        const double beta = std::cos(s.friction) * std::cos(s.dilation) /
                            (1 - std::sin(s.friction) * std::sin(s.dilation));
        // c and tan(phi) scale alike: the apex c / tan(phi), and so the
        // tension cut-off's place below it, stay where they were.
        const double scale = 1 - davis * (1 - beta);
        s.cohesion *= scale;
        const double phi_davis = std::atan(scale * tan_phi);
        s.friction             = phi_davis;
        s.dilation             = (1 - davis) * s.dilation + davis * phi_davis;
      }
    return s;
  }
} // namespace roofspan
