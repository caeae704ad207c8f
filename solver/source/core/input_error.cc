#include <roofspan/core/input_error.h>

#include <cctype>
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
    return out;
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
} // namespace roofspan
