# SPDX-License-Identifier: MIT
# The ONNX conformance runner (tests/conformance/, driven by scripts/conformance.sh):
# every backend test case whose ops are in the issue's list runs through the
# interpreter and the emitted C. The ctest writes its scoreboard into the build
# tree and fails below 95 % of in-scope cases passing (every element type is in
# scope); it is skipped (77) when
# ../shared/onnx-tests is absent. `scripts/conformance.sh` alone regenerates
# docs/CONFORMANCE.md and README's op table.
if(NOT TARGET onnxc_codegen)
  return()
endif()
add_executable(onnxc_conformance conformance/conformance.c conformance/opscan.c
               conformance/compare.c conformance/report.c)
target_include_directories(onnxc_conformance PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/conformance)
target_compile_definitions(onnxc_conformance PRIVATE _POSIX_C_SOURCE=200809L)
# messages are cut to fit their fields on purpose
target_compile_options(onnxc_conformance PRIVATE $<$<C_COMPILER_ID:GNU>:-Wno-format-truncation>)
target_link_libraries(onnxc_conformance PRIVATE onnxc_codegen onnxc_passes onnxc_runtime
                      onnxc_frontend onnxc_ir onnxc_warnings m)
add_test(NAME conformance
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/conformance.sh
                 --tool $<TARGET_FILE:onnxc_conformance>
                 --data ${ONNXC_SHARED_DIR}/onnx-tests
                 --out ${CMAKE_CURRENT_BINARY_DIR}/conformance
                 --md ${CMAKE_CURRENT_BINARY_DIR}/conformance/CONFORMANCE.md
                 --no-readme --min-pass 95)
set_tests_properties(conformance PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS conformance
                     ENVIRONMENT "CC=${CMAKE_C_COMPILER}")
