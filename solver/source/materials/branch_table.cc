#include <roofspan/materials/branch_table.h>
#include <roofspan/materials/constitutive_model.h>

#include <algorithm>
#include <stdexcept>

namespace roofspan
{
  void BranchTable::add(const unsigned int material, const ConstitutiveModel &model)
  {
    std::vector<unsigned int> &map = local_to_global[material];
    map.clear();
    for (const std::string &name : model.branch_names())
      {
        const auto it = std::find(all_names.begin(), all_names.end(), name);
        map.push_back(it - all_names.begin());
        if (it == all_names.end())
          all_names.push_back(name);
      }
    // The Jacobian test keeps one bit per branch and cell.
    if (all_names.size() > 64)
      throw std::logic_error("more than 64 return branches in one case");
  }
} // namespace roofspan
