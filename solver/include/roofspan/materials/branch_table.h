#pragma once

#include <map>
#include <string>
#include <vector>

namespace roofspan
{
  class ConstitutiveModel;

  /**
   * One numbering of the return branches of every rock model in a case, so
   * that the Jacobian test can mask cells by branch: each model names its
   * own branches (ConstitutiveModel::branch_names); a name two models share
   * ("elastic", the Mohr-Coulomb rock inside the bedding-plane model) is one
   * branch here.
   */
  class BranchTable
  {
  public:
    /// Adds the branches of the model of material `material`.
    void add(unsigned int material, const ConstitutiveModel &model);

    /// The case-wide index of branch `branch` of material `material`'s model.
    unsigned int index(const unsigned int material, const unsigned int branch) const
    {
      return local_to_global.at(material)[branch];
    }

    const std::vector<std::string> &names() const
    {
      return all_names;
    }

    unsigned int size() const
    {
      return all_names.size();
    }

  private:
    std::vector<std::string>                          all_names;
    std::map<unsigned int, std::vector<unsigned int>> local_to_global;
  };
} // namespace roofspan
