# SPDX-License-Identifier: MIT
# test_frontend, test_frontend_dtypes, test_functions and test_ranges build models from the protobuf-c structs,
# so they (alone outside frontend/) see the generated onnx.pb-c.h and link
# protobuf-c directly.
foreach(t test_frontend test_frontend_dtypes test_functions test_ranges)
  if(TARGET ${t})
    target_sources(${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/model_builder.c)
    target_include_directories(${t} PRIVATE
      $<TARGET_PROPERTY:onnxc_onnx_pb,INTERFACE_INCLUDE_DIRECTORIES>)
    target_link_libraries(${t} PRIVATE ${PROTOBUF_C_LIBRARY})
    add_dependencies(${t} onnxc_onnx_pb)
  endif()
endforeach()
