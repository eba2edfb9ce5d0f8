# How the project declares its own targets: every library of ours has an
# mf:: alias (linking through the alias fails at configure time when a name
# is wrong, where a plain name would silently become a -l flag), and every
# target of ours gets the same warnings (generated protobuf code is compiled
# without them).
set(MF_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion
  -Wno-sign-conversion)

# mf_warnings(TARGET...): our warnings on targets made otherwise.
function(mf_warnings)
  foreach(t ${ARGN})
    target_compile_options(${t} PRIVATE ${MF_WARNINGS})
  endforeach()
endfunction()

# mf_add_library(mf_NAME SOURCES...): a static library with the warnings and
# the alias mf::NAME.
function(mf_add_library name)
  add_library(${name} STATIC ${ARGN})
  mf_warnings(${name})
  string(REGEX REPLACE "^mf_" "" short ${name})
  add_library(mf::${short} ALIAS ${name})
endfunction()

# mf_add_executable(NAME SOURCES...): a program with the warnings.
function(mf_add_executable name)
  add_executable(${name} ${ARGN})
  mf_warnings(${name})
endfunction()
