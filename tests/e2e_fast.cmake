# SPDX-License-Identifier: MIT
# End-to-end tests of the fast kernels' three paths (after codegen.cmake, which
# emits build/tests/e2e/<variant>_b<N>.c and builds them with the default flags:
# the portable path). Here the same emitted files are built again with AVX2+FMA
# and with AVX-512F enabled and compared with PyTorch (a build whose ISA the CPU
# lacks exits 77: skipped), the BasicUNet file must compile alone with the strict
# flags under those ISAs too, and `onnxc compile --reference-kernels` output is
# checked as well (the reference kernels, NCHW throughout).
if(NOT TARGET onnxc OR NOT TARGET e2e_basic_unet_b1)
  return()
endif()
include(CheckCCompilerFlag)
check_c_compiler_flag("-mavx2 -mfma" ONNXC_HAVE_MAVX2)
check_c_compiler_flag("-mavx512f -mavx2 -mfma" ONNXC_HAVE_MAVX512)
set(isa_variants "")
if(ONNXC_HAVE_MAVX2)
  list(APPEND isa_variants "avx2=-mavx2 -mfma")
endif()
if(ONNXC_HAVE_MAVX512)
  list(APPEND isa_variants "avx512=-mavx512f -mavx2 -mfma")
endif()

foreach(variant basic_unet bigweights)
  foreach(batch 1 4)
    set(name ${variant}_b${batch})
    if(NOT TARGET e2e_${name})
      continue()
    endif()
    string(TOUPPER "${name}" upper)
    set(data ${CMAKE_CURRENT_SOURCE_DIR}/data/${variant})
    foreach(entry IN LISTS isa_variants)
      string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
      set(isa ${CMAKE_MATCH_1})
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
  endforeach()

  # --reference-kernels, batch 1
  set(name ref_${variant}_b1)
  string(TOUPPER "${name}" upper)
  set(model ${PROJECT_SOURCE_DIR}/models/basic_unet.onnx)
  if(variant STREQUAL "bigweights")
    set(model ${CMAKE_CURRENT_SOURCE_DIR}/models/bigweights.onnx)
  endif()
  add_custom_command(
    OUTPUT ${ONNXC_E2E_DIR}/${name}.c ${ONNXC_E2E_DIR}/${name}.h
    COMMAND $<TARGET_FILE:onnxc> compile ${model} -o ${ONNXC_E2E_DIR}/${name}.c --name ${name}
            --shape x=1,1,28,28 --reference-kernels
    DEPENDS onnxc ${model}
    COMMENT "onnxc compile --reference-kernels ${variant}"
    VERBATIM)
  add_executable(e2e_${name} e2e_main.c ${ONNXC_E2E_DIR}/${name}.c)
  target_include_directories(e2e_${name} PRIVATE ${ONNXC_E2E_DIR})
  target_compile_definitions(e2e_${name} PRIVATE
    "E2E_HEADER=\"${name}.h\"" E2E_RUN=${name}_run E2E_RUN_WS=${name}_run_ws
    E2E_WS_BYTES=${upper}_WORKSPACE_BYTES E2E_WS_ALIGN=${upper}_WORKSPACE_ALIGN)
  target_link_libraries(e2e_${name} PRIVATE onnxc_warnings m)
  add_test(NAME e2e_${name} COMMAND e2e_${name} ${CMAKE_CURRENT_SOURCE_DIR}/data/${variant}/input_b1.f32
                                    ${CMAKE_CURRENT_SOURCE_DIR}/data/${variant}/output_b1.f32)
endforeach()

# The emitted BasicUNet compiles alone with the strict flags under each ISA.
find_program(ONNXC_GCC gcc)
find_program(ONNXC_CLANG clang)
foreach(cc_var ONNXC_GCC ONNXC_CLANG)
  if(NOT ${cc_var})
    continue()
  endif()
  get_filename_component(cc_name ${${cc_var}} NAME)
  foreach(entry IN LISTS isa_variants)
    string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
    set(isa ${CMAKE_MATCH_1})
    separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_2}")
    add_test(NAME e2e_strict_${cc_name}_${isa}
             COMMAND ${${cc_var}} -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 ${flags}
                     -c ${ONNXC_E2E_DIR}/basic_unet_b1.c -o ${ONNXC_E2E_DIR}/strict_${cc_name}_${isa}.o)
  endforeach()
endforeach()
