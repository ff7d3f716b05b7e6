# SPDX-License-Identifier: MIT
# CPack settings for the Debian package. From a configured build tree,
#   cpack -G DEB            (in the build directory)
# packages exactly what `cmake --install` installs (the onnxc command, the CMake
# package in lib/cmake/onnxc, BasicUNet, README and examples in share/doc/onnxc)
# under /usr, as onnxc_<version>_<arch>.deb. The installed CMake package finds
# everything relative to itself, so the tree also works wherever it is unpacked
# (tests/package.cmake checks both).
set(ONNXC_PACKAGE_MAINTAINER "onnxc developers <onnxc@localhost>" CACHE STRING
    "Maintainer field of the Debian package (Name <email>)")

set(CPACK_PACKAGE_NAME onnxc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ahead-of-time compiler from ONNX models to standalone C")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "onnxc reads an ONNX model, optimizes its graph and writes one C file and its\n"
  "header with the weights baked in; that code needs only the C library and -lm.\n"
  "With the CMake package (find_package(onnxc), onnxc_add_model()), the\n"
  "BasicUNet model and the examples.")
set(CPACK_PACKAGE_CONTACT "${ONNXC_PACKAGE_MAINTAINER}")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ONNXC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # onnxc_0.1.0_amd64.deb
# Runtime libraries (libc6, libprotobuf-c1) from dpkg-shlibdeps when it is there,
# with the versions the binary needs; otherwise the same packages by name.
find_program(ONNXC_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(ONNXC_DPKG_SHLIBDEPS)
if(ONNXC_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libprotobuf-c1")
endif()
# onnxc_add_model() needs CMake and a C compiler; `onnxc` alone needs neither.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.20), gcc | c-compiler")

include(CPack)
