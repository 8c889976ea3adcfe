# The xfrm backend with 10,000 CHILD_SAs, run inside the test VM by
# bench/xfrm_vm.sh (this machine's kernel has no ESP).
if(TARGET ikevpn_kernel_xfrm AND NOT TARGET xfrm_install_bench)
  add_executable(xfrm_install_bench ${CMAKE_CURRENT_LIST_DIR}/xfrm_install_bench.cc)
  target_link_libraries(xfrm_install_bench PRIVATE ikevpn_kernel_xfrm)
  ikevpn_warnings(xfrm_install_bench)
endif()
