#include <roofspan/core/input_error.h>
#include <roofspan/core/parameter_file_check.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace roofspan
{
  namespace
  {
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
  } // namespace

  void check_parameter_file(const std::string &file)
  {
    std::ifstream                      in(file);
    std::vector<std::string>           path;
    std::map<std::string, std::size_t> first_line; // "Section/Key" -> line
    std::string                        raw;
    std::size_t                        number = 0;
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
        if (line.rfind("subsection ", 0) == 0)
          path.push_back(collapse(line.substr(11)));
        else if (line == "end" && !path.empty())
          path.pop_back();
        else if (line.rfind("set ", 0) == 0)
          {
            const auto equals = line.find('=');
            if (equals == std::string::npos)
              continue; // ParameterHandler reports it
            std::string key;
            for (const auto &s : path)
              key += s + "/";
            key += collapse(line.substr(4, equals - 4));
            const auto [where, inserted] = first_line.emplace(key, line_number);
            if (!inserted)
              throw InputError(file,
                               key,
                               "set twice, on lines " + std::to_string(where->second) + " and " +
                                   std::to_string(line_number) +
                                   " (the last would silently win); keep one");
          }
      }
  }
} // namespace roofspan
