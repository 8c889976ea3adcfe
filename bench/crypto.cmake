# crypto_bench: the costs that bound IKE_SA setup and ESP throughput.
ikevpn_benchmark(crypto_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/crypto_bench.cc
  LIBS ikevpn_crypto)
