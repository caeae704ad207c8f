#include <roofspan/core/input_error.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace roofspan
{
  namespace
  {
    std::string
    compose(const std::string &file, const std::string &parameter, const std::string &problem)
    {
      std::string message = "input error";
      if (!file.empty())
        message += " in " + file;
      if (!parameter.empty())
        message += ", parameter '" + parameter + "'";
      return message + ": " + problem;
    }
  } // namespace

  InputError::InputError(const std::string &file,
                         const std::string &parameter,
                         const std::string &problem)
      : std::runtime_error(compose(file, parameter, problem))
      , file(file)
      , parameter(parameter)
  {
  }

  std::string library_message(const std::exception &e)
  {
    const std::string what   = e.what();
    const std::string marker = "Additional information:";
    const auto        pos    = what.find(marker);
    std::string       s      = pos == std::string::npos ? what : what.substr(pos + marker.size());
    const auto        end    = s.find("\n\nStacktrace");
    if (end != std::string::npos)
      s = s.substr(0, end);
    std::string out;
    bool        space = false;
    for (const char c : s)
      {
        if (std::isspace(static_cast<unsigned char>(c)))
          space = !out.empty();
        else
          {
            if (space)
              out += ' ';
            out += c;
            space = false;
          }
      }
    // ParameterHandler's pattern mismatch, said the way the other messages
    // say it: what was expected, then what was found.
    static const std::regex mismatch(
        "The string <(.*)> does not match the given pattern <\\[?(.*?)\\]?>\\.?");
    std::smatch m;
    if (std::regex_search(out, m, mismatch))
      {
        std::string expected = m[2].str();
        while (!expected.empty() && expected.back() == ' ')
          expected.pop_back();
        std::smatch             r;
        static const std::regex range(
            "(Double|Integer range) (\\S+)\\.\\.\\.(\\S+) \\(inclusive\\)");
        static const std::regex selection("Selection (.*)");
        if (std::regex_match(expected, r, range))
          expected = std::string(r[1].str() == "Double" ? "a number" : "an integer") + " from " +
                     r[2].str() + " to " + r[3].str();
        else if (expected == "Bool")
          expected = "true or false";
        else if (std::regex_match(expected, r, selection))
          expected = "one of " + r[1].str();
        return "expected " + expected + ", got '" + m[1].str() + "'";
      }
    static const std::regex undeclared("No entry with name <(.*?)> was declared");
    if (std::regex_search(out, m, undeclared) && !retired_parameter(m[1].str()).empty())
      {
        const std::string hint = retired_parameter(m[1].str());
        if (!out.empty() && out.back() == '.')
          out.pop_back();
        out += hint;
      }
    return out;
  }

  std::string retired_parameter(const std::string &name)
  {
    if (name == "Maximum step cuts")
      return "; 'Maximum step cuts' was replaced by 'Smallest load increment' (cuts go "
             "down to that fraction of the load, default 1e-3, whatever 'Load steps')";
    return "";
  }

  std::string format_number(const double value)
  {
    std::ostringstream s;
    s << value;
    return s.str();
  }

  void require(const bool         condition,
               const std::string &file,
               const std::string &parameter,
               const std::string &problem)
  {
    if (!condition)
      throw InputError(file, parameter, problem);
  }
  double parse_number(const std::string &text,
                      const std::string &file,
                      const std::string &parameter,
                      const double       largest)
  {
    const auto first = text.find_first_not_of(" \t");
    const auto last  = text.find_last_not_of(" \t");
    if (first == std::string::npos)
      throw InputError(file, parameter, "expected a number, got an empty value");
    const std::string word = text.substr(first, last - first + 1);
    char             *end  = nullptr;
    errno                  = 0;
    const double value     = std::strtod(word.c_str(), &end);
    if (end == word.c_str() || *end != '\0')
      throw InputError(file, parameter, "expected a number, got '" + word + "'");
    const bool overflow = errno == ERANGE && std::abs(value) > 1; // not an underflow to 0
    if (!std::isfinite(value) || overflow || std::abs(value) > largest)
      throw InputError(file,
                       parameter,
                       "'" + word + "' is " +
                           (std::isfinite(value) && !overflow ?
                                "larger in magnitude than " + format_number(largest) +
                                    ", outside anything roofspan models" :
                                std::string("not a finite number")));
    return value;
  }
} // namespace roofspan
