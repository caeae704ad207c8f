#include <roofspan/core/input_error.h>

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
