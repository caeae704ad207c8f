#pragma once

namespace roofspan
{
  /**
   * Fault injection for the failure tests (tests/failures): with the
   * environment variable ROOFSPAN_FAULT="<place>:<rank>[:kill]" the given
   * rank throws an exception (or kills itself with SIGKILL) when it reaches
   * `place`. Places: "assembly" (inside the assembly loop, before the
   * collective compress), "output" (while writing the fields), "commit"
   * (while the output folder is being replaced). Without the variable this
   * is one getenv per call.
   */
  void fault_point(const char *place);
} // namespace roofspan
