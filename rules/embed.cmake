# Writes OUT, a C++ file holding every scenario file in SCENARIOS as a string.
string(REPLACE "|" ";" SCENARIOS "${SCENARIOS}")
set(body "")
set(table "")
foreach(f IN LISTS SCENARIOS)
  get_filename_component(stem "${f}" NAME_WE)
  file(READ "${f}" content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
  string(MAKE_C_IDENTIFIER "${stem}" ident)
  # unsigned: scenario files are UTF-8 (bytes above 0x7f).
  string(APPEND body "static const unsigned char k_${ident}[] = {${bytes} 0};\n")
  string(APPEND table "      {\"${stem}\", reinterpret_cast<const char*>(k_${ident})},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from rules/scenarios/*.textproto by rules/embed.cmake. Do not edit.
#include \"rules/scenario.h\"
namespace mf::rules {
${body}
const std::vector<EmbeddedScenario>& EmbeddedScenarios() {
  static const std::vector<EmbeddedScenario> kAll = {
${table}  };
  return kAll;
}
}  // namespace mf::rules
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
