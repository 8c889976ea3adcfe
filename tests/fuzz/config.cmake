# Fuzz target for the config parser (owned by the config area); included by
# tests/fuzz/CMakeLists.txt with the other *.cmake files when IKEVPN_FUZZ=ON.
# Seeds: tests/fuzz/seeds/config/.
ikevpn_fuzz_target(fuzz_config
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_config.cc
  LIBS ikevpn_config)
