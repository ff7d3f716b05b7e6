# SPDX-License-Identifier: MIT
# The fast kernels against the reference ones (test_conv_fast.c), once per
# RtVec implementation: the kernel sources are compiled into each executable
# with that path's ISA flags. A build whose ISA the CPU lacks exits 77 (skipped).
include(CheckCCompilerFlag)
check_c_compiler_flag("-mavx2 -mfma" ONNXC_HAVE_MAVX2)
check_c_compiler_flag("-mavx512f -mavx2 -mfma" ONNXC_HAVE_MAVX512)

set(fast_variants "portable=")
if(ONNXC_HAVE_MAVX2)
  list(APPEND fast_variants "avx2=-mavx2 -mfma")
endif()
if(ONNXC_HAVE_MAVX512)
  list(APPEND fast_variants "avx512=-mavx512f -mavx2 -mfma")
endif()
set(rt ${PROJECT_SOURCE_DIR}/runtime)
foreach(entry IN LISTS fast_variants)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(v ${CMAKE_MATCH_1})
  separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
  add_executable(test_conv_fast_${v} test_conv_fast.c ${rt}/conv.c ${rt}/conv_fast.c
                 ${rt}/maxpool.c ${rt}/pool_blocked.c ${rt}/resize.c)
  target_compile_options(test_conv_fast_${v} PRIVATE ${flags})
  target_include_directories(test_conv_fast_${v} PRIVATE ${CMOCKA_INCLUDE_DIR} ${rt})
  target_link_libraries(test_conv_fast_${v} PRIVATE ${CMOCKA_LIBRARY} onnxc_warnings m)
  add_test(NAME test_conv_fast_${v} COMMAND test_conv_fast_${v})
  set_tests_properties(test_conv_fast_${v} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# ---- kern: the fast convs end to end (test_codegen_fast.c) compile emitted
# code with the compiler of this build
if(TARGET test_codegen_fast)
  set_property(TEST test_codegen_fast APPEND PROPERTY ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
endif()
