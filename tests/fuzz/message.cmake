ikevpn_fuzz_target(fuzz_message
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_message.cc
  LIBS ikevpn_message)
