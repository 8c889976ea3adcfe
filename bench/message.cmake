# IKEv2 message codec: encode+encrypt and decrypt+decode of typical
# IKE_SA_INIT and IKE_AUTH messages. Figures: docs/BENCHMARKS-message.md.
ikevpn_benchmark(message_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/message_bench.cc
  LIBS ikevpn_message)
