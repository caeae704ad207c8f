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
    s.tensile            = tensile / factor;
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
