# ike_establish_bench: CPU and memory per established IKE_SA+CHILD_SA pair
# (PSK + X25519 + AES-GCM), initiator and responder engines in one process
# over an in-memory wire. A plain program (not Google Benchmark): it forks
# one child per run so that every run starts from a clean heap.
# Figures: docs/BENCHMARKS-ike.md.
add_executable(ike_establish_bench ${CMAKE_CURRENT_LIST_DIR}/ike_establish_bench.cc)
target_link_libraries(ike_establish_bench PRIVATE ikevpn_ike ikevpn_config)
ikevpn_warnings(ike_establish_bench)
