# SPDX-License-Identifier: MIT
# End-to-end tests of the blk16 kernels around the convs on
# tests/models/blocked_ops_net.onnx (SE block, HardSwish, AveragePool, Concat,
# broadcasting Add/Mul, LeakyRelu, bilinear Resize, MaxPool, HardSigmoid, Tanh,
# GlobalAveragePool; scripts/FIXTURES.md) and blocked_ops_odd (the same with
# channel counts 24, 17, 41: partial last blocks, a lane-shifting Concat). codegen.cmake emits it and tests the
# default build (the portable path) against torch; here the same emitted files
# are built again with AVX2 + FMA and with AVX-512F (skipped when the CPU lacks
# the ISA) and compared with torch, and each build is compared with the
# reference interpreter (`onnxc run`) at the tight tolerance.
if(NOT TARGET onnxc OR NOT TARGET e2e_blocked_ops_net_b1)
  return()
endif()
include(CheckCCompilerFlag)
check_c_compiler_flag("-mavx2 -mfma" ONNXC_HAVE_MAVX2)
check_c_compiler_flag("-mavx512f -mavx2 -mfma" ONNXC_HAVE_MAVX512)
set(blk_isas "portable=")
if(ONNXC_HAVE_MAVX2)
  list(APPEND blk_isas "avx2=-mavx2 -mfma")
endif()
if(ONNXC_HAVE_MAVX512)
  list(APPEND blk_isas "avx512=-mavx512f -mavx2 -mfma")
endif()

foreach(model blocked_ops_net blocked_ops_odd)
set(data ${CMAKE_CURRENT_SOURCE_DIR}/data/${model})
foreach(batch 1 4)
  set(name ${model}_b${batch})
  if(NOT TARGET e2e_${name})
    continue()
  endif()
  string(TOUPPER "${name}" upper)
  foreach(entry IN LISTS blk_isas)
    string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
    set(isa ${CMAKE_MATCH_1})
    separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
    set(exe e2e_${name})
    if(NOT isa STREQUAL "portable")
      set(exe e2e_${name}_${isa})
      add_executable(${exe} e2e_main.c ${ONNXC_E2E_DIR}/${name}.c)
      target_compile_options(${exe} PRIVATE ${flags})
      target_include_directories(${exe} PRIVATE ${ONNXC_E2E_DIR})
      target_compile_definitions(${exe} PRIVATE
        "E2E_HEADER=\"${name}.h\"" E2E_RUN=${name}_run E2E_RUN_WS=${name}_run_ws
        E2E_WS_BYTES=${upper}_WORKSPACE_BYTES E2E_WS_ALIGN=${upper}_WORKSPACE_ALIGN)
      target_link_libraries(${exe} PRIVATE onnxc_warnings m)
      add_test(NAME ${exe} COMMAND ${exe} ${data}/input_b${batch}.f32 ${data}/output_b${batch}.f32)
      set_tests_properties(${exe} PROPERTIES SKIP_RETURN_CODE 77)
    endif()
    add_test(NAME e2e_${model}_interp_vs_emitted_b${batch}_${isa}
             COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc>
                     -DMODEL=${CMAKE_CURRENT_SOURCE_DIR}/models/${model}.onnx
                     -DINPUT=${data}/input_b${batch} -DDRIVER=$<TARGET_FILE:${exe}>
                     -DOUT=${ONNXC_E2E_DIR}/${model}_interp_b${batch}_${isa}.pb
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/interp_vs_emitted.cmake)
  endforeach()
endforeach()
endforeach()
