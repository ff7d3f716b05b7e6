# SPDX-License-Identifier: MIT
# test_plan also runs the whole pipeline on models/basic_unet.onnx, which needs
# the frontend to load it; without the frontend that case is compiled out.
if(TARGET test_plan AND TARGET onnxc_frontend)
  target_link_libraries(test_plan PRIVATE onnxc_frontend)
  target_compile_definitions(test_plan PRIVATE ONNXC_HAVE_FRONTEND)
endif()

# golden files and graph helpers shared by the pass tests
foreach(t test_fold test_fuse test_select_kernels)
  if(TARGET ${t})
    target_sources(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/pass_test_util.c)
  endif()
endforeach()
