# SPDX-License-Identifier: MIT
# The depthwise / grouped blk16 convs and the packed Gemm against the reference
# kernels (test_conv_dw.c), once per RtVec path as in conv_fast.cmake: the
# kernel sources are compiled into each executable with that path's ISA flags;
# a build whose ISA the CPU lacks exits 77 (skipped).
include(CheckCCompilerFlag)
check_c_compiler_flag("-mavx2 -mfma" ONNXC_HAVE_MAVX2)
check_c_compiler_flag("-mavx512f -mavx2 -mfma" ONNXC_HAVE_MAVX512)

set(dw_variants "portable=")
if(ONNXC_HAVE_MAVX2)
  list(APPEND dw_variants "avx2=-mavx2 -mfma")
endif()
if(ONNXC_HAVE_MAVX512)
  list(APPEND dw_variants "avx512=-mavx512f -mavx2 -mfma")
endif()
foreach(entry IN LISTS dw_variants)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(v ${CMAKE_MATCH_1})
  separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
  set(rtdir ${PROJECT_SOURCE_DIR}/runtime)
  add_executable(test_conv_dw_${v} test_conv_dw.c ${rtdir}/conv.c ${rtdir}/matmul.c
                 ${rtdir}/conv_dw.c ${rtdir}/gemm_fast.c)
  target_compile_options(test_conv_dw_${v} PRIVATE ${flags})
  target_include_directories(test_conv_dw_${v} PRIVATE ${CMOCKA_INCLUDE_DIR} ${rtdir})
  target_link_libraries(test_conv_dw_${v} PRIVATE ${CMOCKA_LIBRARY} onnxc_warnings m)
  add_test(NAME test_conv_dw_${v} COMMAND test_conv_dw_${v})
  set_tests_properties(test_conv_dw_${v} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
