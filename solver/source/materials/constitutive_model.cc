#include <roofspan/materials/constitutive_model.h>

namespace roofspan
{
  using namespace dealii;

  SymmetricTensor<2, 3> PlasticStrain::get(const MaterialState &state)
  {
    SymmetricTensor<2, 3> e;
    if (state.history.size() >= size)
      for (unsigned int k = 0; k < size; ++k)
        e.access_raw_entry(k) = state.history[k];
    return e;
  }

  void PlasticStrain::set(MaterialState &state, const SymmetricTensor<2, 3> &plastic_strain)
  {
    if (state.history.size() < size)
      state.history.resize(size);
    for (unsigned int k = 0; k < size; ++k)
      state.history[k] = plastic_strain.access_raw_entry(k);
  }
} // namespace roofspan
