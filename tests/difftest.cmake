# SPDX-License-Identifier: MIT
# The differential tester (tests/difftest.c, README "Fuzzing"): random valid
# models through the real pipeline, the emitted C built for every vector path
# the CPU has and compared with the reference interpreter.
# - difftest_ci: 250 models from seed 1 (label difftest);
# - difftest_catches_planted_bug: the same tester with a compiler wrapper that
#   breaks the AVX-512 multiply-add of the fast kernels (fuzz/difftest_break_cc.sh);
#   it passes only when the tester reports a mismatch on that path.
# Run more by hand: build/tests/difftest --seed S --cases N (or fuzz/difftest.sh).
add_executable(difftest difftest.c difftest_gen.c difftest_build.c model_builder.c)
target_include_directories(difftest PRIVATE ${CMOCKA_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}
                           $<TARGET_PROPERTY:onnxc_onnx_pb,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(difftest PRIVATE onnxc_codegen onnxc_passes onnxc_runtime onnxc_frontend
                      onnxc_ir ${PROTOBUF_C_LIBRARY} ${CMOCKA_LIBRARY} onnxc_warnings m)
add_dependencies(difftest onnxc_onnx_pb)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")   # paths are bounded buffers; a cut one fails to open
  target_compile_options(difftest PRIVATE -Wno-format-truncation)
endif()

add_test(NAME difftest_ci
         COMMAND difftest --seed 1 --cases 250 --batch 50 --jobs 2 --cc ${CMAKE_C_COMPILER}
                 --save ${CMAKE_CURRENT_BINARY_DIR}/difftest-failures)
# about 350 s of CPU (3 min on two idle cores); the time-out allows for a loaded machine
set_tests_properties(difftest_ci PROPERTIES LABELS difftest TIMEOUT 2400)

include(CheckCSourceRuns)
check_c_source_runs("int main(void) { return !__builtin_cpu_supports(\"avx512f\"); }"
                    ONNXC_CPU_HAS_AVX512F)
if(ONNXC_CPU_HAS_AVX512F)
  add_test(NAME difftest_catches_planted_bug
           COMMAND difftest --seed 1 --cases 40 --batch 40 --jobs 2 --isa native
                   --cc "${PROJECT_SOURCE_DIR}/fuzz/difftest_break_cc.sh ${CMAKE_C_COMPILER}"
                   --save ${CMAKE_CURRENT_BINARY_DIR}/difftest-planted)
  set_tests_properties(difftest_catches_planted_bug PROPERTIES LABELS difftest TIMEOUT 600
    PASS_REGULAR_EXPRESSION "MISMATCH seed [0-9]+ path native")
endif()
