# SPDX-License-Identifier: MIT
# The nine CNNs of ONNX's light model tests (../shared/onnx-tests/light/: every
# weight made by ConstantOfShape, 5 MB to 575 MB of them once folded), each
# through `onnxc compile` and the emitted C, against the reference output in
# the folder (tests/e2e/light_case.cmake). Skipped with a message when the
# folder is absent. The three with more than 200 MB of weights (alexnet, vgg19,
# zfnet512; see README "Tests" for times) never run two at a time.
if(NOT TARGET onnxc)
  return()
endif()
set(light_dir ${ONNXC_SHARED_DIR}/onnx-tests/light)
set(light_models bvlc_alexnet densenet121 inception_v1 inception_v2 resnet50 shufflenet
                 squeezenet vgg19 zfnet512)
set(light_big bvlc_alexnet vgg19 zfnet512)
if(NOT EXISTS ${light_dir}/light_vgg19.onnx)
  add_test(NAME light_models
           COMMAND ${CMAKE_COMMAND} -E echo "skipped: ${light_dir} is absent (ONNXC_SHARED_DIR)")
  set_tests_properties(light_models PROPERTIES SKIP_REGULAR_EXPRESSION "skipped:")
  return()
endif()
foreach(m IN LISTS light_models)
  add_test(NAME light_${m}
           COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc> -DMODEL=${light_dir}/light_${m}.onnx
                   -DREF=${light_dir}/light_${m}_output_0.pb -DNAME=light_${m}
                   -DDIR=${CMAKE_CURRENT_BINARY_DIR}/light -DDRIVER=${CMAKE_CURRENT_SOURCE_DIR}/e2e_main.c
                   -DCC=${CMAKE_C_COMPILER} "-DCFLAGS=-std=c11 -O2 -Wall -Wextra -Wpedantic -Werror"
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/light_case.cmake)
  set_tests_properties(light_${m} PROPERTIES TIMEOUT 900 LABELS light)
  if(m IN_LIST light_big)
    set_tests_properties(light_${m} PROPERTIES RESOURCE_LOCK light_big)
  endif()
endforeach()
