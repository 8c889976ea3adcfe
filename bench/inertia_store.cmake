# inertia_store_bench: what one peer update costs the address-inertia state
# file at 100,000 remembered peers: the whole-file rewrite main did before
# the journal, and the journal append. Figures: docs/BENCHMARKS.md.
add_executable(inertia_store_bench ${CMAKE_CURRENT_LIST_DIR}/inertia_store_bench.cc)
target_link_libraries(inertia_store_bench PRIVATE ikevpn_inertia)
ikevpn_warnings(inertia_store_bench)
