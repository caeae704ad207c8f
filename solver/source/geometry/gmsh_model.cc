#include <roofspan/core/input_error.h>
#include <roofspan/geometry/coarse_cell_list.h>
#include <roofspan/geometry/gmsh_model.h>
#include <roofspan/materials/material_library.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
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

    /// Numbers and words of a text file, read without streams (a stream
    /// reads a 60 MB mesh several times slower). Every read reports failure
    /// instead of throwing.
    class TextCursor
    {
    public:
      TextCursor(const char *begin, const char *end)
          : position(begin)
          , end(end)
      {
      }

      template <typename Number>
      bool read(Number &value)
      {
        skip_space();
        const auto [next, error] = std::from_chars(position, end, value);
        if (error != std::errc())
          return false;
        position = next;
        return true;
      }

      std::string_view word()
      {
        skip_space();
        const char *start = position;
        while (position < end && !std::isspace(static_cast<unsigned char>(*position)))
          ++position;
        return {start, std::size_t(position - start)};
      }

    private:
      void skip_space()
      {
        while (position < end && std::isspace(static_cast<unsigned char>(*position)))
          ++position;
      }

      const char *position;
      const char *end;
    };

    /// Where the line `$name` starts in `text`, or npos.
    std::size_t find_section(const std::string &text, const std::string &name)
    {
      for (std::size_t at = text.find("$" + name); at != std::string::npos;
           at             = text.find("$" + name, at + 1))
        if ((at == 0 || text[at - 1] == '\n') &&
            (at + name.size() + 1 == text.size() ||
             std::isspace(static_cast<unsigned char>(text[at + name.size() + 1]))))
          return at + name.size() + 1;
      return std::string::npos;
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

  template <int dim>
  bool GmshModel<dim>::read_cell_list(CoarseCellList<dim> &list) const
  {
    // A file the reader gives up on part-way (truncated in $Elements, an
    // unknown element after the first cells) must not leave half a mesh.
    if (parse_cell_list(list))
      return true;
    list = CoarseCellList<dim>();
    return false;
  }

  template <int dim>
  bool GmshModel<dim>::parse_cell_list(CoarseCellList<dim> &list) const
  {
    std::string text;
    {
      std::ifstream in(mesh_file, std::ios::binary);
      in.seekg(0, std::ios::end);
      const auto size = in.tellg();
      if (!in || size <= 0)
        return false;
      text.resize(size);
      in.seekg(0);
      if (!in.read(text.data(), size))
        return false;
    }

    // $MeshFormat: version 2.x or 4.1, ASCII (file type 0).
    const std::size_t format = find_section(text, "MeshFormat");
    if (format == std::string::npos)
      return false;
    TextCursor             header(text.data() + format, text.data() + text.size());
    const std::string_view version   = header.word();
    const bool             format_2  = version.substr(0, 2) == "2.";
    int                    file_type = -1;
    if ((!format_2 && version != "4.1") || !header.read(file_type) || file_type != 0)
      return false;
    const std::size_t nodes    = find_section(text, "Nodes");
    const std::size_t elements = find_section(text, "Elements");
    if (nodes == std::string::npos || elements == std::string::npos)
      return false;

    // $Nodes. Format 2: a count, then "tag x y z" lines. Format 4.1: blocks
    // of "entity_dim entity_tag parametric count", the block's tags, then
    // its coordinates (parametric nodes go through GridIn).
    std::vector<std::size_t> tags;
    TextCursor               node_text(text.data() + nodes, text.data() + text.size());
    const auto               read_node = [&](const std::size_t i) {
      double xyz[3];
      if (!node_text.read(xyz[0]) || !node_text.read(xyz[1]) || !node_text.read(xyz[2]))
        return false;
      for (unsigned int d = 0; d < dim; ++d)
        list.vertices[i][d] = xyz[d];
      return true;
    };
    std::size_t n_nodes = 0, n_blocks = 0, ignored = 0;
    if (format_2)
      {
        if (!node_text.read(n_nodes))
          return false;
        tags.resize(n_nodes);
        list.vertices.resize(n_nodes);
        for (std::size_t i = 0; i < n_nodes; ++i)
          if (!node_text.read(tags[i]) || !read_node(i))
            return false;
      }
    else
      {
        if (!node_text.read(n_blocks) || !node_text.read(n_nodes) || !node_text.read(ignored) ||
            !node_text.read(ignored))
          return false;
        tags.resize(n_nodes);
        list.vertices.resize(n_nodes);
        std::size_t next = 0;
        for (std::size_t block = 0; block < n_blocks; ++block)
          {
            int         entity_dim = 0, entity_tag = 0, parametric = 0;
            std::size_t count = 0;
            if (!node_text.read(entity_dim) || !node_text.read(entity_tag) ||
                !node_text.read(parametric) || !node_text.read(count) || parametric != 0 ||
                count > n_nodes - next)
              return false;
            for (std::size_t i = next; i < next + count; ++i)
              if (!node_text.read(tags[i]))
                return false;
            for (std::size_t i = next; i < next + count; ++i)
              if (!read_node(i))
                return false;
            next += count;
          }
        if (next != n_nodes)
          return false;
      }
    std::size_t largest_tag = 0;
    for (const std::size_t tag : tags)
      largest_tag = std::max(largest_tag, tag);
    if (largest_tag > 4 * n_nodes + 16) // sparse tags: GridIn's map serves better
      return false;
    const unsigned int        no_node = numbers::invalid_unsigned_int;
    std::vector<unsigned int> index_of_tag(largest_tag + 1, no_node);
    for (std::size_t i = 0; i < n_nodes; ++i)
      index_of_tag[tags[i]] = i;

    // Format 4.1: the physical group of each entity ($Entities: points
    // "tag x y z n_physical physical...", curves, surfaces and volumes
    // "tag box(6) n_physical physical... n_bounding bounding..."). GridIn
    // takes an entity's one physical tag (0 without); more go through it.
    std::map<std::pair<int, int>, unsigned int> physical_of_entity;
    if (!format_2)
      {
        const std::size_t entities = find_section(text, "Entities");
        if (entities == std::string::npos)
          return false;
        TextCursor  entity_text(text.data() + entities, text.data() + text.size());
        std::size_t n_entities[4];
        for (std::size_t &n : n_entities)
          if (!entity_text.read(n))
            return false;
        for (int entity_dim = 0; entity_dim < 4; ++entity_dim)
          for (std::size_t e = 0; e < n_entities[entity_dim]; ++e)
            {
              int         tag        = 0;
              std::size_t n_physical = 0, n_bounding = 0;
              double      coordinate = 0;
              if (!entity_text.read(tag))
                return false;
              for (int k = 0; k < (entity_dim == 0 ? 3 : 6); ++k)
                if (!entity_text.read(coordinate))
                  return false;
              if (!entity_text.read(n_physical) || n_physical > 1)
                return false;
              unsigned int physical = 0;
              if (n_physical == 1 && !entity_text.read(physical))
                return false;
              physical_of_entity[{entity_dim, tag}] = physical;
              if (entity_dim > 0)
                {
                  if (!entity_text.read(n_bounding))
                    return false;
                  for (std::size_t k = 0; k < n_bounding; ++k)
                    if (!entity_text.read(tag))
                      return false;
                }
            }
      }

    // $Elements. Format 2: "number type n_tags tags... nodes...", the first
    // tag being the physical group. Format 4.1: blocks of "entity_dim
    // entity_tag type count", then "number nodes..." lines. Cells and faces
    // are kept, points (and edges in 3D) skipped; any other type goes
    // through GridIn.
    constexpr int cell_type = dim == 2 ? 3 : 5, face_type = dim == 2 ? 1 : 3;
    constexpr std::array<unsigned int, 8> gmsh_to_dealii{{0, 1, 3, 2, 4, 5, 7, 6}};
    TextCursor element_text(text.data() + elements, text.data() + text.size());
    const auto add_element = [&](const int type, const unsigned int physical) {
      unsigned int n_element_nodes = 0;
      switch (type)
        {
          case 15:
            n_element_nodes = 1;
            break;
          case 1:
            n_element_nodes = 2;
            break;
          case 3:
            n_element_nodes = 4;
            break;
          case 5:
            n_element_nodes = 8;
            break;
          default:
            return false;
        }
      unsigned int node_index[8];
      for (unsigned int k = 0; k < n_element_nodes; ++k)
        {
          std::size_t tag = 0;
          if (!element_text.read(tag) || tag > largest_tag || index_of_tag[tag] == no_node)
            return false;
          node_index[k] = index_of_tag[tag];
        }
      if (type == cell_type)
        {
          CellData<dim> cell;
          for (unsigned int k = 0; k < n_element_nodes; ++k)
            cell.vertices[gmsh_to_dealii[k]] = node_index[k];
          cell.material_id = physical;
          list.cells.push_back(cell);
        }
      else if (type == face_type)
        {
          CellData<dim - 1> face;
          for (unsigned int k = 0; k < n_element_nodes; ++k)
            face.vertices[k] = node_index[k];
          face.boundary_id = physical;
          list.boundary_faces.push_back(face);
        }
      else if (type != 15 && !(dim == 3 && type == 1))
        return false;
      return true;
    };
    std::size_t n_elements = 0, number = 0;
    if (format_2)
      {
        if (!element_text.read(n_elements))
          return false;
        for (std::size_t e = 0; e < n_elements; ++e)
          {
            int          type   = 0;
            unsigned int n_tags = 0, physical = 0;
            if (!element_text.read(number) || !element_text.read(type) ||
                !element_text.read(n_tags))
              return false;
            for (unsigned int t = 0; t < n_tags; ++t)
              {
                unsigned int tag = 0;
                if (!element_text.read(tag))
                  return false;
                if (t == 0)
                  physical = tag;
              }
            if (!add_element(type, physical))
              return false;
          }
      }
    else
      {
        if (!element_text.read(n_blocks) || !element_text.read(n_elements) ||
            !element_text.read(ignored) || !element_text.read(ignored))
          return false;
        for (std::size_t block = 0; block < n_blocks; ++block)
          {
            int         entity_dim = 0, entity_tag = 0, type = 0;
            std::size_t count = 0;
            if (!element_text.read(entity_dim) || !element_text.read(entity_tag) ||
                !element_text.read(type) || !element_text.read(count))
              return false;
            const auto         found    = physical_of_entity.find({entity_dim, entity_tag});
            const unsigned int physical = found == physical_of_entity.end() ? 0 : found->second;
            for (std::size_t e = 0; e < count; ++e)
              if (!element_text.read(number) || !add_element(type, physical))
                return false;
          }
      }
    if (list.cells.empty())
      return false;
    for (const auto &cell : list.cells)
      require(this->regions.count(cell.material_id) == 1,
              mesh_file,
              "",
              "a cell has physical tag " + format_number(cell.material_id) +
                  ", which has no name in $PhysicalNames");

    // What GridIn does before building a mesh: cells turned inside out
    // are inverted, and edges oriented consistently.
    try
      {
        GridTools::invert_all_negative_measure_cells(list.vertices, list.cells);
        GridTools::consistently_order_cells(list.cells);
      }
    catch (const std::exception &)
      {
        return false; // GridIn reports it
      }
    return true;
  }

  template class GmshModel<2>;
  template class GmshModel<3>;
} // namespace roofspan
