# Userspace ESP: in-process codec benchmark and the tunnel peer that
# bench/esp_throughput.sh and the integration test run in two namespaces.
if(TARGET ikevpn_kernel_userspace)
  ikevpn_benchmark(esp_bench
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/esp_bench.cc
    LIBS ikevpn_kernel_userspace)
  if(NOT TARGET esp_tunnel_peer)
    add_executable(esp_tunnel_peer ${CMAKE_CURRENT_LIST_DIR}/esp_tunnel_peer.cc)
    target_link_libraries(esp_tunnel_peer PRIVATE ikevpn_kernel_userspace)
    ikevpn_warnings(esp_tunnel_peer)
  endif()
endif()
