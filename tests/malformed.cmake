# SPDX-License-Identifier: MIT
# test_malformed builds its models from the protobuf-c structs (like
# test_frontend) and runs the onnxc binary on them, so it needs the generated
# onnx.pb-c.h, protobuf-c, and onnxc built first.
if(TARGET test_malformed)
  target_sources(test_malformed PRIVATE ${CMAKE_CURRENT_LIST_DIR}/model_builder.c)
  target_include_directories(test_malformed PRIVATE
    $<TARGET_PROPERTY:onnxc_onnx_pb,INTERFACE_INCLUDE_DIRECTORIES>)
  target_link_libraries(test_malformed PRIVATE ${PROTOBUF_C_LIBRARY})
  add_dependencies(test_malformed onnxc_onnx_pb onnxc)
  set_property(TEST test_malformed APPEND PROPERTY ENVIRONMENT "CC=${CMAKE_C_COMPILER}"
               "ONNXC=$<TARGET_FILE:onnxc>")
endif()
