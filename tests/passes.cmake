# SPDX-License-Identifier: MIT
# test_plan also runs the whole pipeline on models/basic_unet.onnx, which needs
# the frontend to load it; without the frontend that case is compiled out.
if(TARGET test_plan AND TARGET onnxc_frontend)
  target_link_libraries(test_plan PRIVATE onnxc_frontend)
  target_compile_definitions(test_plan PRIVATE ONNXC_HAVE_FRONTEND)
endif()
