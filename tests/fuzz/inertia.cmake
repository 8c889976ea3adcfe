# Fuzz target for the address-inertia state file (snapshot + journal);
# included by tests/fuzz/CMakeLists.txt when IKEVPN_FUZZ=ON.
# Seeds: tests/fuzz/seeds/inertia/.
ikevpn_fuzz_target(fuzz_inertia
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_inertia.cc
  LIBS ikevpn_inertia)
