# SPDX-License-Identifier: MIT
# End-to-end tests of emitted code. At build time `onnxc compile` turns each model
# into C (build/tests/e2e/<variant>_b<N>.c/.h), which is built with e2e_main.c
# into an executable that runs it on the stored input and compares with the
# stored output (ctest: e2e_<variant>_b<N>). Models: models/basic_unet.onnx and
# every tests/models/<variant>.onnx that has tests/data/<variant>/meta.txt; batch
# 1 and 4 where the data exists. For basic_unet also: the emitted C compiles
# alone with the strict flags under gcc and clang, two compiles give identical
# bytes, and the emitted code agrees with `onnxc run` (the interpreter).
if(NOT TARGET onnxc OR NOT TARGET onnxc_codegen)
  return()
endif()

set(ONNXC_E2E_DIR ${CMAKE_CURRENT_BINARY_DIR}/e2e)
file(MAKE_DIRECTORY ${ONNXC_E2E_DIR})

# Emits MODEL at the shape of DATA_DIR/input_b<BATCH>.f32 (from meta.txt) and
# registers the executable and its test. Sets <variant>_b<BATCH> in E2E_NAME.
function(onnxc_e2e variant model data_dir batch)
  set(E2E_NAME "" PARENT_SCOPE)
  set(in ${data_dir}/input_b${batch}.f32)
  set(out ${data_dir}/output_b${batch}.f32)
  if(NOT EXISTS ${in} OR NOT EXISTS ${out} OR NOT EXISTS ${data_dir}/meta.txt)
    return()
  endif()
  file(STRINGS ${data_dir}/meta.txt meta)
  set(shape "")
  foreach(line IN LISTS meta)
    if(line MATCHES "^input_b${batch}\\.f32 +([0-9 ]+)$")
      string(STRIP "${CMAKE_MATCH_1}" dims)
      string(REGEX REPLACE " +" "," shape "${dims}")
    endif()
  endforeach()
  if(shape STREQUAL "")
    message(WARNING "e2e: no shape for input_b${batch}.f32 in ${data_dir}/meta.txt")
    return()
  endif()
  string(MAKE_C_IDENTIFIER "${variant}_b${batch}" name)
  string(TOUPPER "${name}" upper)
  set(c_file ${ONNXC_E2E_DIR}/${name}.c)
  add_custom_command(
    OUTPUT ${c_file} ${ONNXC_E2E_DIR}/${name}.h
    COMMAND $<TARGET_FILE:onnxc> compile ${model} -o ${c_file} --name ${name} --shape x=${shape}
    DEPENDS onnxc ${model}
    COMMENT "onnxc compile ${variant} (x=${shape})"
    VERBATIM)
  add_executable(e2e_${name} ${CMAKE_CURRENT_SOURCE_DIR}/e2e_main.c ${c_file})
  target_include_directories(e2e_${name} PRIVATE ${ONNXC_E2E_DIR})
  target_compile_definitions(e2e_${name} PRIVATE
    "E2E_HEADER=\"${name}.h\"" E2E_RUN=${name}_run E2E_RUN_WS=${name}_run_ws
    E2E_WS_BYTES=${upper}_WORKSPACE_BYTES E2E_WS_ALIGN=${upper}_WORKSPACE_ALIGN)
  # emitted code must link with -lm alone; our warning set applies (-Werror with ONNXC_WERROR;
  # e2e_strict_* below compile the BasicUNet file with -Werror always)
  target_link_libraries(e2e_${name} PRIVATE onnxc_warnings m)
  add_test(NAME e2e_${name} COMMAND e2e_${name} ${in} ${out} ${e2e_tol_${variant}})
  set(E2E_NAME ${name} PARENT_SCOPE)
endfunction()

# Tolerance |err| <= ATOL + RTOL*|ref|: 1e-5 1e-4 for every model, bigweights
# included (its scale, 4, is chosen so that torch's own float32 output is within
# that tolerance of the exact result; see scripts/FIXTURES.md). A variant that
# needs another tolerance sets e2e_tol_<variant> to "ATOL RTOL" here.

set(e2e_models basic_unet=${PROJECT_SOURCE_DIR}/models/basic_unet.onnx)
file(GLOB variant_models CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/models/*.onnx)
list(SORT variant_models)
foreach(m IN LISTS variant_models)
  get_filename_component(v ${m} NAME_WE)
  list(APPEND e2e_models ${v}=${m})
endforeach()
foreach(entry IN LISTS e2e_models)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${entry}")
  set(variant ${CMAKE_MATCH_1})
  set(model ${CMAKE_MATCH_2})
  foreach(batch 1 4)
    onnxc_e2e(${variant} ${model} ${CMAKE_CURRENT_SOURCE_DIR}/data/${variant} ${batch})
  endforeach()
endforeach()

# The emitted basic_unet C compiles alone with the strict flags, under gcc and clang.
set(unet_c ${ONNXC_E2E_DIR}/basic_unet_b1.c)
if(TARGET e2e_basic_unet_b1)
  find_program(ONNXC_GCC gcc)
  find_program(ONNXC_CLANG clang)
  foreach(cc_var ONNXC_GCC ONNXC_CLANG)
    if(${cc_var})
      get_filename_component(cc_name ${${cc_var}} NAME)
      add_test(NAME e2e_strict_${cc_name}
               COMMAND ${${cc_var}} -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -c ${unet_c}
                       -o ${ONNXC_E2E_DIR}/strict_${cc_name}.o)
    endif()
  endforeach()

  # Two compiles of the same model give byte-identical .c and .h.
  add_test(NAME e2e_deterministic
           COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc>
                   -DMODEL=${PROJECT_SOURCE_DIR}/models/basic_unet.onnx
                   -DDIR=${ONNXC_E2E_DIR}/deterministic
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/compile_twice.cmake)

  # The emitted code agrees with the interpreter (`onnxc run`), batch 1 and 4.
  foreach(batch 1 4)
    if(TARGET e2e_basic_unet_b${batch})
      add_test(NAME e2e_interp_vs_emitted_b${batch}
               COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc>
                       -DMODEL=${PROJECT_SOURCE_DIR}/models/basic_unet.onnx
                       -DINPUT=${CMAKE_CURRENT_SOURCE_DIR}/data/basic_unet/input_b${batch}
                       -DDRIVER=$<TARGET_FILE:e2e_basic_unet_b${batch}>
                       -DOUT=${ONNXC_E2E_DIR}/interp_b${batch}.pb
                       -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/interp_vs_emitted.cmake)
    endif()
  endforeach()
endif()

# test_codegen compiles emitted code with $CC (and gcc, clang when found): use
# the compiler of this build.
if(TARGET test_codegen)
  set_property(TEST test_codegen APPEND PROPERTY ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
endif()
