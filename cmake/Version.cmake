# The version every program prints with --version and the packages carry:
# the project's version (project(... VERSION ...) in the top-level CMakeLists.txt).
add_library(mf_version INTERFACE)
target_compile_definitions(mf_version INTERFACE MF_VERSION="${PROJECT_VERSION}")
add_library(mf::version ALIAS mf_version)
