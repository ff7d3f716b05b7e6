# SPDX-License-Identifier: MIT
# Embedding emitted code in applications:
# - multi_model: BasicUNet and its ReLU variant, both built by onnxc_add_model
#   with different NAMEs, linked into one program (tests/multi_model.c), each
#   workspace a heap block of exactly NAME_WORKSPACE_BYTES under AddressSanitizer
#   (when the compiler has it; then multi_model_asan_catches_overrun checks that
#   a 64-byte smaller workspace is caught), plus two threads at once;
# - install_example: `cmake --install` into a temporary prefix, then
#   examples/denoise configured against it with find_package(onnxc), built,
#   rebuilt after the model and onnxc change, and run; its output is compared
#   with the reference interpreter's (tests/tools/pgm_ref.c).
if(NOT TARGET onnxc OR NOT COMMAND onnxc_add_model)
  return()
endif()
set(mm_data ${CMAKE_CURRENT_SOURCE_DIR}/data)
if(EXISTS ${mm_data}/basic_unet/input_b1.f32 AND EXISTS ${mm_data}/relu_opset12/input_b1.f32)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=address)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=address)
  check_c_source_compiles("int main(void) { return 0; }" ONNXC_HAVE_ASAN)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  find_package(Threads REQUIRED)

  onnxc_add_model(TARGET mm_unet MODEL ${PROJECT_SOURCE_DIR}/models/basic_unet.onnx
                  NAME mm_unet SHAPE x=1,1,28,28)
  onnxc_add_model(TARGET mm_relu MODEL ${CMAKE_CURRENT_SOURCE_DIR}/models/relu_opset12.onnx
                  NAME mm_relu SHAPE x=1,1,28,28)
  add_executable(multi_model multi_model.c)
  target_link_libraries(multi_model PRIVATE mm_unet mm_relu Threads::Threads onnxc_warnings m)
  foreach(t mm_unet mm_relu)
    target_link_libraries(${t} PRIVATE onnxc_warnings)
  endforeach()
  set(mm_args ${mm_data}/basic_unet/input_b1.f32 ${mm_data}/basic_unet/output_b1.f32
              ${mm_data}/relu_opset12/input_b1.f32 ${mm_data}/relu_opset12/output_b1.f32)
  add_test(NAME multi_model COMMAND multi_model ${mm_args})
  if(ONNXC_HAVE_ASAN)
    foreach(t mm_unet mm_relu multi_model)
      target_compile_options(${t} PRIVATE -fsanitize=address -fno-omit-frame-pointer)
    endforeach()
    target_link_options(multi_model PRIVATE -fsanitize=address)
    add_test(NAME multi_model_asan_catches_overrun COMMAND multi_model ${mm_args} shrink)
    # Passes only when ASan reports the overrun (not on any other failure). ASan
    # must exit rather than abort: the sanitizer pass of scripts/test.sh sets
    # abort_on_error=1, and ctest counts a killed process as failed regardless.
    set_tests_properties(multi_model_asan_catches_overrun PROPERTIES
      PASS_REGULAR_EXPRESSION "heap-buffer-overflow"
      ENVIRONMENT "ASAN_OPTIONS=abort_on_error=0:detect_leaks=0")
  endif()
endif()

add_executable(pgm_ref tools/pgm_ref.c)
target_link_libraries(pgm_ref PRIVATE onnxc_passes onnxc_runtime onnxc_frontend onnxc_ir
                      onnxc_warnings m)
add_test(NAME install_example
         COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR}
                 -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/install_example
                 -DCC=${CMAKE_C_COMPILER} -DPGM_REF=$<TARGET_FILE:pgm_ref>
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/tools/install_example.cmake)
set_tests_properties(install_example PROPERTIES TIMEOUT 300)
