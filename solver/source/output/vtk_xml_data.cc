#include <roofspan/output/vtk_xml_data.h>

#include <cstring>
#include <stdexcept>

namespace roofspan
{
  namespace
  {
    template <typename T>
    void append_as(std::string &bytes, const std::vector<double> &values)
    {
      const std::uint64_t size = values.size() * sizeof(T);
      bytes.append(reinterpret_cast<const char *>(&size), sizeof(size));
      for (const double v : values)
        {
          const T t = static_cast<T>(v);
          bytes.append(reinterpret_cast<const char *>(&t), sizeof(T));
        }
    }
  } // namespace

  void VtkXmlData::array(std::ostream              &xml,
                         const std::string         &type,
                         const std::string         &name,
                         const unsigned int         components,
                         const std::vector<double> &values)
  {
    xml << "<DataArray type=\"" << type << "\"";
    if (!name.empty())
      xml << " Name=\"" << escape(name) << "\"";
    xml << " NumberOfComponents=\"" << components << "\" format=\"appended\" offset=\""
        << bytes.size() << "\"/>\n";
    if (type == "Float32")
      append_as<float>(bytes, values);
    else if (type == "Float64")
      append_as<double>(bytes, values);
    else if (type == "Int32")
      append_as<std::int32_t>(bytes, values);
    else if (type == "Int64")
      append_as<std::int64_t>(bytes, values);
    else if (type == "UInt8")
      append_as<std::uint8_t>(bytes, values);
    else
      throw std::logic_error("VtkXmlData: no array type " + type);
  }

  void VtkXmlData::strings(std::ostream                   &xml,
                           const std::string              &name,
                           const std::vector<std::string> &values)
  {
    xml << "<Array type=\"String\" Name=\"" << escape(name) << "\" NumberOfTuples=\""
        << values.size() << "\" format=\"ascii\">\n";
    for (const std::string &s : values)
      {
        for (const unsigned char c : s)
          xml << int(c) << ' ';
        xml << "0\n";
      }
    xml << "</Array>\n";
  }

  void VtkXmlData::begin(std::ostream &xml, const std::string &type)
  {
    xml << "<?xml version=\"1.0\"?>\n<VTKFile type=\"" << type
        << "\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n<" << type
        << ">\n";
  }

  void
  VtkXmlData::finish(std::ofstream &xml, const std::string &type, const std::string &file) const
  {
    xml << "</" << type << ">\n<AppendedData encoding=\"raw\">\n_";
    xml.write(bytes.data(), bytes.size());
    xml << "\n</AppendedData>\n</VTKFile>\n";
    xml.close();
    if (!xml)
      throw std::runtime_error("cannot write " + file);
  }

  std::string VtkXmlData::escape(const std::string &text)
  {
    std::string out;
    for (const char c : text)
      switch (c)
        {
          case '&':
            out += "&amp;";
            break;
          case '<':
            out += "&lt;";
            break;
          case '>':
            out += "&gt;";
            break;
          case '"':
            out += "&quot;";
            break;
          default:
            out += c;
        }
    return out;
  }
} // namespace roofspan
