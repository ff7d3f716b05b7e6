# SPDX-License-Identifier: MIT
# The debugging tools (tests/tools/check_cli.cmake): every --help, dump --plan
# and --format json, compile --report, `onnxc verify` on a good build and on
# kernels broken on purpose. And the trace hooks of `compile --trace`: the
# emitted file compiles with the strict flags with and without -DNAME_TRACE,
# and without it links and runs with no hook defined (e2e_trace_off). The same
# for the timing hooks of `compile --profile` (which `onnxc bench` uses), under
# gcc and clang when they are installed.
if(NOT TARGET onnxc)
  return()
endif()
find_program(ONNXC_PYTHON3 python3)
foreach(check help verify_ok verify_broken dump bench bench_errors profile_same)
  add_test(NAME cli_${check}
           COMMAND ${CMAKE_COMMAND} -DONNXC=$<TARGET_FILE:onnxc> -DSRC=${PROJECT_SOURCE_DIR}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cli_${check} -DCHECK=${check}
                   -DCC=${CMAKE_C_COMPILER} -DPYTHON=${ONNXC_PYTHON3}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_cli.cmake)
endforeach()

set(trace_dir ${CMAKE_CURRENT_BINARY_DIR}/trace)
set(relu_data ${CMAKE_CURRENT_SOURCE_DIR}/data/relu_opset12)
if(EXISTS ${relu_data}/input_b1.f32)
  add_custom_command(
    OUTPUT ${trace_dir}/traced.c ${trace_dir}/traced.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${trace_dir}
    COMMAND $<TARGET_FILE:onnxc> compile ${CMAKE_CURRENT_SOURCE_DIR}/models/relu_opset12.onnx
            -o ${trace_dir}/traced.c --trace --shape x=1,1,28,28
    DEPENDS onnxc ${CMAKE_CURRENT_SOURCE_DIR}/models/relu_opset12.onnx
    COMMENT "onnxc compile --trace relu_opset12"
    VERBATIM)
  add_executable(e2e_trace_off e2e_main.c ${trace_dir}/traced.c)
  target_include_directories(e2e_trace_off PRIVATE ${trace_dir})
  target_compile_definitions(e2e_trace_off PRIVATE "E2E_HEADER=\"traced.h\"" E2E_RUN=traced_run
    E2E_RUN_WS=traced_run_ws E2E_WS_BYTES=TRACED_WORKSPACE_BYTES E2E_WS_ALIGN=TRACED_WORKSPACE_ALIGN)
  target_link_libraries(e2e_trace_off PRIVATE onnxc_warnings m)
  add_test(NAME e2e_trace_off COMMAND e2e_trace_off ${relu_data}/input_b1.f32 ${relu_data}/output_b1.f32)
  foreach(def "" "-DTRACED_TRACE")
    string(REPLACE "-D" "_" suffix "${def}")
    add_test(NAME e2e_trace_strict${suffix}
             COMMAND ${CMAKE_C_COMPILER} -std=c11 -Wall -Wextra -Wpedantic -Werror -O1 ${def}
                     -c ${trace_dir}/traced.c -o ${trace_dir}/strict${suffix}.o)
  endforeach()
endif()

# LeakyRelu and a general Clip fused with their parameters (scripts/make_act_model.py):
# the emitted code agrees with the interpreter node by node.
add_test(NAME cli_verify_param_acts
         COMMAND $<TARGET_FILE:onnxc> verify ${CMAKE_CURRENT_SOURCE_DIR}/models/conv_leaky_clip.onnx)

# compile --profile: the strict flags with and without -DPROF_PROFILE (the hook
# is only declared, so -c), under the build's compiler, gcc and clang.
set(prof_dir ${CMAKE_CURRENT_BINARY_DIR}/profile)
add_custom_command(
  OUTPUT ${prof_dir}/prof.c ${prof_dir}/prof.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${prof_dir}
  COMMAND $<TARGET_FILE:onnxc> compile ${PROJECT_SOURCE_DIR}/models/basic_unet.onnx
          -o ${prof_dir}/prof.c --profile --shape x=1,1,28,28
  DEPENDS onnxc ${PROJECT_SOURCE_DIR}/models/basic_unet.onnx
  COMMENT "onnxc compile --profile basic_unet"
  VERBATIM)
add_custom_target(profile_src ALL DEPENDS ${prof_dir}/prof.c)
find_program(ONNXC_GCC gcc)
find_program(ONNXC_CLANG clang)
foreach(cc ${CMAKE_C_COMPILER} ${ONNXC_GCC} ${ONNXC_CLANG})
  get_filename_component(cc_name ${cc} NAME)
  foreach(def "" "-DPROF_PROFILE")
    string(REPLACE "-D" "_" suffix "${def}")
    if(NOT TEST e2e_profile_strict_${cc_name}${suffix})
      add_test(NAME e2e_profile_strict_${cc_name}${suffix}
               COMMAND ${cc} -std=c11 -Wall -Wextra -Wpedantic -Werror -O1 ${def}
                       -c ${prof_dir}/prof.c -o ${prof_dir}/strict_${cc_name}${suffix}.o)
    endif()
  endforeach()
endforeach()
