#include <roofspan/core/input_error.h>
#include <roofspan/core/parameter_file_check.h>

#include <deal.II/base/parameter_handler.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace roofspan
{
  namespace
  {
    namespace fs = std::filesystem;

    /// Larger than any case or library file (the default case is 6 kB): a
    /// file above this is not a parameter file, and reading it would only
    /// exhaust the memory.
    constexpr std::uintmax_t largest_parameter_file = 16u << 20;

    /// Nested includes deeper than this are a mistake, not a design.
    constexpr std::size_t deepest_include = 32;

    std::string trim(const std::string &s)
    {
      const auto first = s.find_first_not_of(" \t\r");
      if (first == std::string::npos)
        return "";
      const auto last = s.find_last_not_of(" \t\r");
      return s.substr(first, last - first + 1);
    }

    /// "a   b" -> "a b": ParameterHandler compares names that way.
    std::string collapse(const std::string &s)
    {
      std::istringstream words(s);
      std::string        word, out;
      while (words >> word)
        out += (out.empty() ? "" : " ") + word;
      return out;
    }

    std::string kind_of(const fs::file_status &status)
    {
      switch (status.type())
        {
          case fs::file_type::not_found:
            return "it does not exist";
          case fs::file_type::directory:
            return "it is a folder, not a file";
          case fs::file_type::fifo:
            return "it is a FIFO (named pipe), not a regular file";
          case fs::file_type::character:
          case fs::file_type::block:
            return "it is a device, not a regular file";
          case fs::file_type::socket:
            return "it is a socket, not a regular file";
          default:
            return "it is not a regular file";
        }
    }

    /// The text of a parameter file, refused unless it is a regular text
    /// file of a sensible size. `where`: the file (and line) that named it.
    std::string
    read_text(const std::string &file, const std::string &where, const std::string &parameter)
    {
      std::error_code ec;
      const auto      status = fs::status(file, ec);
      if (!fs::is_regular_file(status))
        throw InputError(where, parameter, "'" + file + "': " + kind_of(status));
      const auto size = fs::file_size(file, ec);
      if (ec || size > largest_parameter_file)
        throw InputError(where,
                         parameter,
                         "'" + file + "' is " + std::to_string(size >> 20) +
                             " MiB; a parameter file is text of at most " +
                             std::to_string(largest_parameter_file >> 20) + " MiB");
      std::ifstream in(file, std::ios::binary);
      if (!in)
        throw InputError(where, parameter, "'" + file + "' cannot be read");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find('\0') != std::string::npos)
        throw InputError(where,
                         parameter,
                         "'" + file +
                             "' is a binary file (it holds NUL bytes), not a parameter "
                             "file");
      return text;
    }

    /// "set ...", "SET ...": deal.II takes its keywords in either case.
    bool starts_with_keyword(const std::string &line, const std::string &keyword)
    {
      if (line.size() < keyword.size() ||
          (line.size() > keyword.size() && line[keyword.size()] != ' ' &&
           line[keyword.size()] != '\t'))
        return false;
      std::string upper = keyword;
      for (auto &ch : upper)
        ch = char(std::toupper(ch));
      const std::string head = line.substr(0, keyword.size());
      return head == keyword || head == upper;
    }

    struct Scan
    {
      std::map<std::string, std::size_t> first_set;  // "file\nSection/Key" -> line
      std::vector<std::string>           open_files; // canonical
    };

    void scan(const std::string              &file,
              const std::string              &where,
              const std::vector<std::string> &outer_path,
              Scan                           &state)
    {
      const std::string canonical = fs::weakly_canonical(fs::absolute(file)).string();
      for (std::size_t i = 0; i < state.open_files.size(); ++i)
        if (state.open_files[i] == canonical)
          {
            std::string chain;
            for (std::size_t j = i; j < state.open_files.size(); ++j)
              chain += state.open_files[j] + " -> ";
            throw InputError(where,
                             "include",
                             "the files include each other: " + chain + canonical);
          }
      if (state.open_files.size() >= deepest_include)
        throw InputError(where,
                         "include",
                         "includes nested more than " + std::to_string(deepest_include) + " deep");
      const std::string text = read_text(file, where, state.open_files.empty() ? "" : "include");
      state.open_files.push_back(canonical);

      std::istringstream       in(text);
      std::vector<std::string> path = outer_path;
      std::string              raw;
      std::size_t              number = 0;
      while (std::getline(in, raw))
        {
          ++number;
          const std::size_t line_number = number;
          std::string       line        = raw;
          // Continuation lines belong to the line they continue.
          while (!trim(line).empty() && trim(line).back() == '\\' && std::getline(in, raw))
            {
              ++number;
              line = trim(line);
              line.pop_back();
              line += " " + raw;
            }
          const auto hash = line.find('#');
          if (hash != std::string::npos)
            line = line.substr(0, hash);
          line = trim(line);
          if (starts_with_keyword(line, "subsection"))
            path.push_back(collapse(line.substr(11)));
          else if ((line == "end" || line == "END") && !path.empty())
            path.pop_back();
          else if (starts_with_keyword(line, "include"))
            {
              const std::string included = trim(line.substr(7));
              if (!included.empty()) // ParameterHandler reports an empty one
                scan(included, file + ", line " + std::to_string(line_number), path, state);
            }
          else if (starts_with_keyword(line, "set"))
            {
              const auto equals = line.find('=');
              if (equals == std::string::npos)
                continue; // ParameterHandler reports it
              std::string key;
              for (const auto &s : path)
                key += s + "/";
              key += collapse(line.substr(4, equals - 4));
              // Keys are per file: a set after an include overrides the
              // included value on purpose (deal.II's last set wins).
              const auto [where_set, inserted] =
                  state.first_set.emplace(canonical + "\n" + key, line_number);
              if (!inserted)
                throw InputError(file,
                                 key,
                                 "set twice, on lines " + std::to_string(where_set->second) +
                                     " and " + std::to_string(line_number) +
                                     " (the last would silently win); keep one");
            }
        }
      state.open_files.pop_back();
    }
  } // namespace

  void check_parameter_file(const std::string &file)
  {
    Scan state;
    scan(file, file, {}, state);
  }

  namespace
  {
    /// ParameterHandler's JSON names: "_20" for a space and so on.
    std::string demangle(const std::string &name)
    {
      std::string out;
      for (std::size_t i = 0; i < name.size(); ++i)
        if (name[i] == '_' && i + 2 < name.size() + 0 && std::isxdigit(name[i + 1]) &&
            std::isxdigit(name[i + 2]))
          {
            out += char(std::stoi(name.substr(i + 1, 2), nullptr, 16));
            i += 2;
          }
        else
          out += name[i];
      return out;
    }

    void check_values(const nlohmann::json &node, const std::string &path, const std::string &file)
    {
      for (auto it = node.begin(); it != node.end(); ++it)
        {
          if (!it.value().is_object())
            continue;
          const std::string name = path + demangle(it.key());
          const auto       &leaf = it.value();
          if (leaf.contains("value") && leaf.contains("pattern_description") &&
              leaf["value"].is_string() && leaf["pattern_description"].is_string())
            {
              if (leaf["pattern_description"].get<std::string>().rfind("[Double", 0) == 0)
                parse_number(leaf["value"].get<std::string>(), file, name);
            }
          else
            check_values(leaf, name + "/", file);
        }
    }
  } // namespace

  void check_numeric_values(const dealii::ParameterHandler &prm, const std::string &file)
  {
    std::ostringstream text;
    prm.print_parameters(text, dealii::ParameterHandler::JSON);
    check_values(nlohmann::json::parse(text.str()), "", file);
  }
} // namespace roofspan
