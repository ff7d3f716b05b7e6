# SPDX-License-Identifier: MIT
# The Debian package (ctest -L package): package_deb runs `cpack -G DEB` on this
# build tree, unpacks the .deb with `dpkg -x` into a scratch root, checks its
# contents and builds and runs examples/denoise against that root alone
# (tests/tools/deb_check.sh). Skipped (exit 77) when cpack or dpkg is missing.
if(NOT TARGET onnxc OR NOT TARGET pgm_ref)
  return()
endif()
find_program(ONNXC_BASH bash)
if(NOT ONNXC_BASH)
  return()
endif()
add_test(NAME package_deb
         COMMAND ${ONNXC_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/tools/deb_check.sh
                 ${CMAKE_CPACK_COMMAND} ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/package_deb ${CMAKE_C_COMPILER} ${PROJECT_VERSION}
                 $<TARGET_FILE:pgm_ref>)
set_tests_properties(package_deb PROPERTIES LABELS package SKIP_RETURN_CODE 77 TIMEOUT 300)
