# SPDX-License-Identifier: MIT
# cmake -DONNXC=... -DSRC=... -DWORK=... -DCHECK=<name> [-DCC=...] [-DPYTHON=...] -P check_cli.cmake
# The debugging commands of the onnxc CLI, one check per CHECK:
#   help          every command's --help exits 0 and is that command's full usage
#   verify_ok     `onnxc verify` on BasicUNet: every node agrees, exit 0
#   verify_broken a kernel broken on purpose (tests/tools/break_cc.sh adds 1 to one
#                 node's output in the emitted C) is named as the first divergence,
#                 for a Conv and an Add
#   dump          dump --plan and --format json (validated by PYTHON's json.tool
#                 when given), compile --report, and dot
#   bench         `onnxc bench` on BasicUNet: the per-node table (one row per node,
#                 shares summing to ~100%, kernel names), built with CC and the
#                 strict warning flags; never asserts on a time
#   bench_errors  bench on a bad model, with a compiler that fails and with one
#                 that does not exist: exit 1 and one clear line
#   profile_same  compile --profile is compile plus the #ifdef NAME_PROFILE blocks
#                 and nothing else, in the .c and the .h
set(model ${SRC}/models/basic_unet.onnx)
file(MAKE_DIRECTORY ${WORK})

function(onnxc expect_rc)
  execute_process(COMMAND ${ONNXC} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "onnxc ${ARGN}: exit ${rc}, expected ${expect_rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text haystack what)
  string(FIND "${haystack}" "${text}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${what}: expected to find '${text}' in:\n${haystack}")
  endif()
endfunction()

if(CHECK STREQUAL "help")
  foreach(cmd compile dump dot run verify bench)
    onnxc(0 ${cmd} --help)
    expect("usage: onnxc ${cmd} MODEL.onnx" "${out}" "${cmd} --help")
    expect("exit status" "${out}" "${cmd} --help")
  endforeach()
  onnxc(0 --help)
  foreach(cmd compile dump dot run verify bench)
    expect("onnxc ${cmd} MODEL.onnx" "${out}" "onnxc --help")
  endforeach()
  onnxc(2 frobnicate ${model})
elseif(CHECK STREQUAL "verify_ok")
  onnxc(0 verify ${model} --shape x=1,1,28,28 --seed 7)
  expect("all 12 nodes agree within 1e-05 + 0.0001*|ref|" "${out}" "verify")
  onnxc(0 verify ${model} --input ${SRC}/tests/data/basic_unet/input_b4.pb)
  expect("all 12 nodes agree" "${out}" "verify --input")
elseif(CHECK STREQUAL "verify_broken")
  # node 4 is the third Conv, node 7 the first Add (see `onnxc dump`)
  foreach(case "4;/down_layers.2/Conv;Conv" "7;/Add;Add")
    list(GET case 0 node)
    list(GET case 1 name)
    list(GET case 2 op)
    onnxc(1 verify ${model} --shape x=1,1,28,28 --cc "sh ${SRC}/tests/tools/break_cc.sh ${node} ${CC}")
    expect("onnxc: error: ${model}: node \"${name}\" (${op}): emitted code diverges from the interpreter here first"
           "${err}" "verify with node ${node} broken")
    string(REGEX MATCH "\n${node} +[^\n]*<- first divergence" row "\n${out}")
    if(NOT row)
      message(FATAL_ERROR "verify: row ${node} not marked as the first divergence:\n${out}")
    endif()
  endforeach()
elseif(CHECK STREQUAL "dump")
  onnxc(0 dump ${model} --plan --shape x=1,1,28,28)
  expect("// arena 225792 bytes, lower bound 225792 bytes, efficiency 100.0%" "${out}" "dump --plan")
  expect("/act/Mul_output_0" "${out}" "dump --plan")
  onnxc(0 dump ${model} --format json --shape x=1,1,28,28)
  file(WRITE ${WORK}/unet.json "${out}")
  if(PYTHON)
    execute_process(COMMAND ${PYTHON} -m json.tool ${WORK}/unet.json RESULT_VARIABLE rc
                    OUTPUT_QUIET ERROR_VARIABLE perr)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "python json.tool rejects dump --format json: ${perr}")
    endif()
  endif()
  onnxc(0 compile ${model} -o ${WORK}/report.c --report --shape x=1,1,28,28)
  expect("31360000" "${out}" "compile --report")
  expect("peak 225792 bytes at node" "${out}" "compile --report")
  onnxc(2 dump ${model} --format yaml)
  onnxc(0 dot ${model} -o ${WORK}/unet.dot --shape x=1,1,28,28)
  file(READ ${WORK}/unet.dot dot)
  expect("Conv + silu (fused)\\n/down_layers.0/Conv\\nconst f32[32,1,5,5]\\nconst f32[32]\\n-> f32[1,32,28,28] @0"
         "${dot}" "onnxc dot")
elseif(CHECK STREQUAL "bench")
  set(strict "-O2 -Wall -Wextra -Wpedantic -Werror")
  onnxc(0 bench ${model} --shape x=1,1,28,28 --runs 3 --cc ${CC} --cflags ${strict}
        --threads 2 --keep ${WORK}/kept)
  expect("built with: ${CC} -std=c11 ${strict} -DONNXC_BENCH_PROFILE" "${out}" "bench")
  expect("runs: 3 timed" "${out}" "bench")
  expect("62.72 MFLOP" "${out}" "bench")   # 2 x the 31.36 M multiply-adds of --report
  expect("runs on 1 thread" "${err}" "bench --threads 2")
  string(REGEX MATCH "\nnode +op +name +kernel +time% +median us +MFLOP +GFLOP/s\n" head "${out}")
  if(NOT head)
    message(FATAL_ERROR "bench: no table header:\n${out}")
  endif()
  # one row per node: index, op, name, kernel, share, median, MFLOP, GFLOP/s
  string(REGEX MATCHALL "\n +[0-9]+  [A-Za-z+]+ +[^ \n]+ +[a-z ]+ +[0-9.]+ +[0-9.]+ +[-0-9.]+ +[-0-9.]+"
         rows "${out}")
  list(LENGTH rows n)
  if(NOT n EQUAL 12)
    message(FATAL_ERROR "bench: ${n} node rows, expected 12:\n${out}")
  endif()
  set(sum 0)
  set(i 0)
  foreach(row IN LISTS rows)
    string(REGEX MATCH "^\n +([0-9]+)  ([A-Za-z+]+) +[^ ]+ +([a-z ]+[a-z]) +([0-9]+)\\.([0-9])" m "${row}")
    if(NOT CMAKE_MATCH_1 EQUAL i)
      message(FATAL_ERROR "bench: row ${i} out of order: '${row}'")
    endif()
    math(EXPR sum "${sum} + ${CMAKE_MATCH_4} * 10 + ${CMAKE_MATCH_5}")
    math(EXPR i "${i} + 1")
    list(APPEND kernels "${CMAKE_MATCH_3}")
  endforeach()
  if(sum LESS 990 OR sum GREATER 1010)   # tenths of a percent, each row rounded
    message(FATAL_ERROR "bench: the shares add up to ${sum}/10 %:\n${out}")
  endif()
  foreach(k "fast conv" "reference")
    list(FIND kernels "${k}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "bench: no node runs the '${k}' kernel:\n${out}")
    endif()
  endforeach()
  expect("0  Conv+silu      /down_layers.0/Conv" "${out}" "bench row 0")
  expect(" 7  Add            /Add " "${out}" "bench row 7")
  if(NOT EXISTS ${WORK}/kept/onnxc_bench.c OR NOT EXISTS ${WORK}/kept/times.bin)
    message(FATAL_ERROR "bench --keep: the work files are not in ${WORK}/kept")
  endif()
elseif(CHECK STREQUAL "bench_errors")
  file(WRITE ${WORK}/bad.onnx "this is not an ONNX model")
  onnxc(1 bench ${WORK}/bad.onnx)
  expect("onnxc: error: ${WORK}/bad.onnx" "${err}" "bench on a bad model")
  onnxc(1 bench ${model} --shape x=1,1,28,28 --runs 3 --cc false)
  expect("onnxc: error: ${model}: the C compiler (false) failed on the emitted code" "${err}"
         "bench with a failing compiler")
  onnxc(1 bench ${model} --shape x=1,1,28,28 --runs 3 --cc onnxc-no-such-compiler)
  expect("cannot run the C compiler 'onnxc-no-such-compiler' (not found" "${err}"
         "bench with a missing compiler")
  onnxc(2 bench ${model} --runs 0)
  onnxc(2 bench ${model} --threads x)
elseif(CHECK STREQUAL "profile_same")
  file(MAKE_DIRECTORY ${WORK}/plain ${WORK}/prof)
  onnxc(0 compile ${model} -o ${WORK}/plain/unet.c --shape x=1,1,28,28)
  onnxc(0 compile ${model} -o ${WORK}/prof/unet.c --shape x=1,1,28,28 --profile)
  foreach(ext c h)
    file(READ ${WORK}/plain/unet.${ext} plain)
    file(READ ${WORK}/prof/unet.${ext} prof)
    string(REGEX MATCHALL "#ifdef UNET_PROFILE\n" blocks "${prof}")
    list(LENGTH blocks n)
    if(ext STREQUAL "c" AND NOT n EQUAL 24 OR ext STREQUAL "h" AND NOT n EQUAL 1)
      message(FATAL_ERROR "compile --profile: ${n} profile blocks in the .${ext}")
    endif()
    string(REGEX REPLACE "#ifdef UNET_PROFILE\n    unet_profile\\([0-9]+, [01]\\);\n#endif\n" ""
           prof "${prof}")
    string(REGEX REPLACE "#ifdef UNET_PROFILE\n/\\*[^#]*\\*/\nvoid unet_profile\\(int node, int end\\);\n#endif\n\n"
           "" prof "${prof}")
    if(NOT prof STREQUAL plain)
      message(FATAL_ERROR "compile --profile differs from compile by more than its hooks (.${ext})")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "unknown CHECK '${CHECK}'")
endif()
