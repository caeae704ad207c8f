#pragma once

#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  class MaterialLibrary;

  /**
   * The horizontal layering of the model, from its base upward. Elevation 0
   * is the floor of the opening: layers "above floor" are listed from the
   * floor upward, layers "below floor" from the floor downward (the usual way
   * a geologist logs them). Depth below surface = depth of floor - elevation.
   */
  class Stratigraphy
  {
  public:
    struct Layer
    {
      std::string unit;            ///< rock unit name in the material library
      double      bottom;          ///< elevation of its base [m]
      double      top;             ///< elevation of its top [m]
      double      unit_weight = 0; ///< filled in by resolve() [N/m^3]
      std::string parameter;       ///< the list that names it ("Stratigraphy/Layers ...")
      /// A bedding contact (Stratigraphy/Contacts): a thin layer whose top
      /// is the contact's elevation, carved from the bed below it.
      bool contact = false;
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    /// Looks up every unit in the library (InputError for unknown ones) and
    /// inserts the contacts' layers (their thickness is the contact unit's).
    void resolve(const MaterialLibrary &library);

    /// Layers from the base of the model upward.
    const std::vector<Layer> &layers() const;

    double base_elevation() const;
    double top_elevation() const;
    double depth_of_floor() const;

    /// Index of the layer holding elevation z (interfaces go to the layer
    /// above, the top to the last layer).
    unsigned int layer_at(double z) const;

    /// Vertical total stress (compression negative) at elevation z: the
    /// overburden above the model top plus the layers between z and the top.
    double vertical_stress(double z) const;

    /// Interface elevations, base and top included, ascending.
    std::vector<double> interfaces() const;

  private:
    std::vector<Layer>                          layer_list;
    std::vector<std::pair<double, std::string>> contact_list; ///< elevation, unit
    double                                      floor_depth            = 0;
    double                                      overburden_unit_weight = 0;
    std::string                                 file;
  };
} // namespace roofspan
