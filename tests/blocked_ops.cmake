# SPDX-License-Identifier: MIT
# The blk16 kernels around the convs (blocked_ops.c, pool_blocked.c, the
# blocked resizes) against the reference kernels (test_blocked_ops.c), once per
# RtVec implementation, as conv_fast.cmake does for the conv: the kernel sources
# are compiled into each executable with that path's ISA flags; a build whose
# ISA the CPU lacks exits 77 (skipped).
include(CheckCCompilerFlag)
check_c_compiler_flag("-mavx2 -mfma" ONNXC_HAVE_MAVX2)
check_c_compiler_flag("-mavx512f -mavx2 -mfma" ONNXC_HAVE_MAVX512)

set(blk_variants "portable=")
if(ONNXC_HAVE_MAVX2)
  list(APPEND blk_variants "avx2=-mavx2 -mfma")
endif()
if(ONNXC_HAVE_MAVX512)
  list(APPEND blk_variants "avx512=-mavx512f -mavx2 -mfma")
endif()
set(rt ${PROJECT_SOURCE_DIR}/runtime)
foreach(entry IN LISTS blk_variants)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(v ${CMAKE_MATCH_1})
  separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
  add_executable(test_blocked_ops_${v} test_blocked_ops.c ${rt}/blocked_ops.c
                 ${rt}/pool_blocked.c ${rt}/resize.c ${rt}/maxpool.c ${rt}/avgpool.c
                 ${rt}/binary.c ${rt}/unary.c)
  target_compile_options(test_blocked_ops_${v} PRIVATE ${flags})
  target_include_directories(test_blocked_ops_${v} PRIVATE ${CMOCKA_INCLUDE_DIR} ${rt})
  target_link_libraries(test_blocked_ops_${v} PRIVATE ${CMOCKA_LIBRARY} onnxc_warnings m)
  add_test(NAME test_blocked_ops_${v} COMMAND test_blocked_ops_${v})
  set_tests_properties(test_blocked_ops_${v} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
