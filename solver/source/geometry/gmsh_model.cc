#include <roofspan/core/input_error.h>
#include <roofspan/geometry/gmsh_model.h>
#include <roofspan/materials/material_library.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/tria.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace roofspan
{
  using namespace dealii;
  namespace fs = std::filesystem;

  namespace
  {
    struct PhysicalName
    {
      int         dimension;
      int         tag;
      std::string name;
    };

    // The $PhysicalNames section of a .msh file (same layout in format 2
    // and 4); GridIn keeps only the numeric tags.
    /**
     * A count in a mesh file's section header cannot exceed the bytes in the
     * file (every entry takes at least one): checked before anything is
     * allocated, so that a small file cannot claim 400 million entries and
     * exhaust the memory. Covers $PhysicalNames, $Entities, $Nodes and
     * $Elements (format 2: the count; format 4: every number of the header
     * line, which holds the counts and the largest tag).
     */
    void check_section_counts(const std::string &file)
    {
      std::error_code ec;
      const auto      size = std::filesystem::file_size(file, ec);
      std::ifstream   in(file);
      std::string     line;
      while (std::getline(in, line))
        for (const char *section : {"$PhysicalNames", "$Entities", "$Nodes", "$Elements"})
          if (line.rfind(section, 0) == 0 && line.size() <= std::strlen(section) + 1)
            {
              std::string header;
              std::getline(in, header);
              std::istringstream numbers(header);
              std::string        word;
              while (numbers >> word)
                {
                  long double value = 0;
                  try
                    {
                      std::size_t used = 0;
                      value            = std::stold(word, &used);
                      if (used != word.size())
                        throw std::invalid_argument(word);
                    }
                  catch (const std::exception &)
                    {
                      throw InputError(file,
                                       "",
                                       std::string("the header of ") + section +
                                           " should hold counts, found '" + header + "'");
                    }
                  if (value < 0 || (!ec && value > static_cast<long double>(size)))
                    throw InputError(
                        file,
                        "",
                        std::string("the header of ") + section + " claims " + word +
                            " entries (or a tag that large), impossible in a file of " +
                            std::to_string(size) + " bytes: the file is damaged");
                }
            }
    }

    std::vector<PhysicalName> read_physical_names(const std::string &file)
    {
      std::ifstream             in(file);
      std::vector<PhysicalName> names;
      std::string               line;
      while (std::getline(in, line))
        if (line.rfind("$PhysicalNames", 0) == 0)
          {
            long long n = 0;
            if (!(in >> n) || n < 0)
              throw InputError(file, "", "$PhysicalNames should start with the number of names");
            for (long long i = 0; i < n; ++i)
              {
                PhysicalName p;
                if (!(in >> p.dimension >> p.tag))
                  throw InputError(file,
                                   "",
                                   "$PhysicalNames lists " + std::to_string(n) +
                                       " names but entry " + std::to_string(i + 1) +
                                       " is not 'dimension tag \"name\"'");
                std::getline(in, p.name);
                const auto first = p.name.find('"');
                const auto last  = p.name.rfind('"');
                if (first != std::string::npos && last > first)
                  p.name = p.name.substr(first + 1, last - first - 1);
                names.push_back(p);
              }
            break;
          }
      return names;
    }
  } // namespace

  template <int dim>
  void GmshModel<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Gmsh");
    prm.declare_entry("Mesh file",
                      "",
                      Patterns::Anything(),
                      "Gmsh mesh (.msh); relative paths are taken relative to "
                      "the case file's directory.");
    prm.declare_entry("Materials",
                      "",
                      Patterns::Anything(),
                      "Rock unit of each region, as 'physical group name: unit "
                      "name' separated by commas.");
    prm.leave_subsection();
  }

  template <int dim>
  GmshModel<dim>::GmshModel(ParameterHandler      &prm,
                            const std::string     &file,
                            const MaterialLibrary &library)
  {
    const std::string s = "Geometry/Gmsh/";
    prm.enter_subsection("Geometry");
    prm.enter_subsection("Gmsh");
    fs::path          mesh(prm.get("Mesh file"));
    const std::string materials = prm.get("Materials");
    prm.leave_subsection();
    prm.leave_subsection();

    require(!mesh.empty(), file, s + "Mesh file", "no mesh file given");
    if (mesh.is_relative())
      mesh = fs::path(file).parent_path() / mesh;
    mesh_file = mesh.string();
    require(fs::is_regular_file(mesh),
            file,
            s + "Mesh file",
            "mesh file '" + mesh_file + "' does not exist");

    std::map<std::string, std::string> unit_of;
    for (const auto &entry : Utilities::split_string_list(materials, ','))
      {
        const auto parts = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2,
                file,
                s + "Materials",
                "expected 'physical group: unit' entries, got '" + entry + "'");
        library.unit(parts[1], file, s + "Materials");
        unit_of[parts[0]] = parts[1];
      }

    check_section_counts(mesh_file);
    for (const auto &p : read_physical_names(mesh_file))
      {
        if (p.dimension == dim)
          {
            require(unit_of.count(p.name) == 1,
                    file,
                    s + "Materials",
                    "region '" + p.name + "' of " + mesh_file + " has no rock unit");
            this->regions[p.tag] = {p.name, unit_of[p.name], false};
            unit_of.erase(p.name);
          }
        else if (p.dimension == dim - 1)
          this->boundary_names[p.tag] = p.name;
      }
    for (const auto &[name, unit] : unit_of)
      throw InputError(file,
                       s + "Materials",
                       "region '" + name + "' is not a physical group of dimension " +
                           format_number(dim) + " in " + mesh_file);
    this->description = "Gmsh mesh " + mesh.filename().string();
  }

  template <int dim>
  void GmshModel<dim>::create_coarse_mesh(Triangulation<dim, dim> &tria) const
  {
    GridIn<dim> grid_in;
    grid_in.attach_triangulation(tria);
    std::ifstream in(mesh_file);
    try
      {
        grid_in.read_msh(in);
      }
    catch (const std::exception &e)
      {
        throw InputError(mesh_file, "", "cannot read the mesh: " + library_message(e));
      }
    for (const auto &cell : tria.active_cell_iterators())
      require(this->regions.count(cell->material_id()) == 1,
              mesh_file,
              "",
              "a cell has physical tag " + format_number(cell->material_id()) +
                  ", which has no name in $PhysicalNames");
  }

  template class GmshModel<2>;
  template class GmshModel<3>;
} // namespace roofspan
