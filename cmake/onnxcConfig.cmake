# SPDX-License-Identifier: MIT
# The onnxc CMake package, installed to <prefix>/lib/cmake/onnxc. After
#   find_package(onnxc REQUIRED)
# a project has the imported executable onnxc::onnxc and the function
# onnxc_add_model() (see OnnxcAddModel.cmake) that turns an ONNX model into a
# static library at build time.
include("${CMAKE_CURRENT_LIST_DIR}/onnxcTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/OnnxcAddModel.cmake")
# onnxc_MODEL_DIR: where BasicUNet (the model of examples/denoise) is installed.
include("${CMAKE_CURRENT_LIST_DIR}/onnxcPaths.cmake")
