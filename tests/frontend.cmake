# SPDX-License-Identifier: MIT
# test_frontend builds models from the protobuf-c structs, so it (alone outside
# frontend/) sees the generated onnx.pb-c.h and links protobuf-c directly.
if(TARGET test_frontend)
  target_sources(test_frontend PRIVATE ${CMAKE_CURRENT_LIST_DIR}/model_builder.c)
  target_include_directories(test_frontend PRIVATE
    $<TARGET_PROPERTY:onnxc_onnx_pb,INTERFACE_INCLUDE_DIRECTORIES>)
  target_link_libraries(test_frontend PRIVATE ${PROTOBUF_C_LIBRARY})
  add_dependencies(test_frontend onnxc_onnx_pb)
endif()
