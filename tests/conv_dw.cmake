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

# End to end (after codegen.cmake, which emits tests/models/<variant>.onnx into
# build/tests/e2e/<variant>_b<N>.c and checks them against torch with the
# default flags, the portable path): the models of scripts/export_mobile_blocks.py
# built again with AVX2 + FMA and with AVX-512F, against torch (exit 77 when
# the CPU lacks the ISA), and the emitted code against `onnxc run`.
foreach(variant dw_blocks16 mobile_blocks)
  foreach(batch 1 4)
    set(name ${variant}_b${batch})
    if(NOT TARGET e2e_${name})
      continue()
    endif()
    string(TOUPPER "${name}" upper)
    set(data ${CMAKE_CURRENT_SOURCE_DIR}/data/${variant})
    foreach(entry IN LISTS dw_variants)
      string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
      set(isa ${CMAKE_MATCH_1})
      if(isa STREQUAL "portable")
        continue()
      endif()
      separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
      add_executable(e2e_${name}_${isa} e2e_main.c ${ONNXC_E2E_DIR}/${name}.c)
      target_compile_options(e2e_${name}_${isa} PRIVATE ${flags})
      target_include_directories(e2e_${name}_${isa} PRIVATE ${ONNXC_E2E_DIR})
      target_compile_definitions(e2e_${name}_${isa} PRIVATE
        "E2E_HEADER=\"${name}.h\"" E2E_RUN=${name}_run E2E_RUN_WS=${name}_run_ws
        E2E_WS_BYTES=${upper}_WORKSPACE_BYTES E2E_WS_ALIGN=${upper}_WORKSPACE_ALIGN)
      target_link_libraries(e2e_${name}_${isa} PRIVATE onnxc_warnings m)
      add_test(NAME e2e_${name}_${isa} COMMAND e2e_${name}_${isa} ${data}/input_b${batch}.f32
                                                ${data}/output_b${batch}.f32)
      set_tests_properties(e2e_${name}_${isa} PROPERTIES SKIP_RETURN_CODE 77)
    endforeach()
    add_test(NAME e2e_interp_vs_emitted_${name}
             COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc>
                     -DMODEL=${CMAKE_CURRENT_SOURCE_DIR}/models/${variant}.onnx
                     -DINPUT=${data}/input_b${batch}
                     -DDRIVER=$<TARGET_FILE:e2e_${name}>
                     -DOUT=${ONNXC_E2E_DIR}/interp_${name}.pb
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/interp_vs_emitted.cmake)
  endforeach()
endforeach()
