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
  foreach(cmd compile dump dot run verify)
    onnxc(0 ${cmd} --help)
    expect("usage: onnxc ${cmd} MODEL.onnx" "${out}" "${cmd} --help")
    expect("exit status" "${out}" "${cmd} --help")
  endforeach()
  onnxc(0 --help)
  foreach(cmd compile dump dot run verify)
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
else()
  message(FATAL_ERROR "unknown CHECK '${CHECK}'")
endif()
