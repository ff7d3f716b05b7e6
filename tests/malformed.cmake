# SPDX-License-Identifier: MIT
# test_malformed, test_hostile and test_nonfinite build their models from the protobuf-c structs
# (like test_frontend) and run the onnxc binary on them (cli_harness.c), so they
# need the generated onnx.pb-c.h, protobuf-c, and onnxc built first.
foreach(t test_malformed test_hostile test_nonfinite)
  if(TARGET ${t})
    target_sources(${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/model_builder.c
                   ${CMAKE_CURRENT_LIST_DIR}/cli_harness.c)
    target_include_directories(${t} PRIVATE
      $<TARGET_PROPERTY:onnxc_onnx_pb,INTERFACE_INCLUDE_DIRECTORIES>)
    target_link_libraries(${t} PRIVATE ${PROTOBUF_C_LIBRARY})
    add_dependencies(${t} onnxc_onnx_pb onnxc)
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "CC=${CMAKE_C_COMPILER}"
                 "ONNXC=$<TARGET_FILE:onnxc>")
  endif()
endforeach()
