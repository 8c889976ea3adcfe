# Warnings for project code only (added per target via ikevpn_warnings()).
function(ikevpn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  # GCC 12 at -O3 (Release) reports "literal" + std::string&& as a memcpy
  # overlap (GCC bug 105329, a false positive in libstdc++'s inlined code).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

# ikevpn_library(NAME SOURCES ... DEPS ...): a static library of project code.
function(ikevpn_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  ikevpn_warnings(${name})
endfunction()
