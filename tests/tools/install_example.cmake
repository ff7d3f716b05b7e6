# SPDX-License-Identifier: MIT
# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK=... -DCC=... -DPGM_REF=... -P install_example.cmake
# What a new user does, from the installed package only: install onnxc into a
# temporary prefix, configure examples/denoise against it (find_package(onnxc)),
# build and run it, and compare its output with the reference interpreter's.
# Also checks that the model's C is regenerated when the model file or the
# onnxc executable changes, and not otherwise.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()

# Builds the example and checks whether onnxc ran (expect TRUE or FALSE).
function(build_expect what regenerated)
  run("${what}" ${CMAKE_COMMAND} --build ${WORK}/build)
  string(FIND "${last_output}" "onnxc: compiling" pos)
  if(regenerated AND pos EQUAL -1)
    message(FATAL_ERROR "${what}: the model's C was not regenerated:\n${last_output}")
  elseif(NOT regenerated AND NOT pos EQUAL -1)
    message(FATAL_ERROR "${what}: the model's C was regenerated needlessly:\n${last_output}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f bin/onnxc lib/cmake/onnxc/onnxcConfig.cmake lib/cmake/onnxc/onnxcConfigVersion.cmake
          lib/cmake/onnxc/OnnxcAddModel.cmake share/doc/onnxc/README.md
          share/doc/onnxc/examples/denoise/CMakeLists.txt share/onnxc/models/basic_unet.onnx)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
run("onnxc --version" ${prefix}/bin/onnxc --version)

# The model is a copy, so that touching it does not touch the source tree.
file(COPY ${prefix}/share/onnxc/models/basic_unet.onnx DESTINATION ${WORK})
run("configure examples/denoise" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/denoise
    -B ${WORK}/build -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${CC}
    -DCMAKE_BUILD_TYPE=Release -DMODEL=${WORK}/basic_unet.onnx)
build_expect("first build" TRUE)
build_expect("rebuild, nothing changed" FALSE)
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1)
file(TOUCH ${WORK}/basic_unet.onnx)
build_expect("rebuild after the model changed" TRUE)
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1)
file(TOUCH ${prefix}/bin/onnxc)
build_expect("rebuild after onnxc changed" TRUE)

run("denoise" ${WORK}/build/denoise ${SOURCE_DIR}/examples/denoise/noisy_digit.pgm ${WORK}/out.pgm)
message(STATUS "${last_output}")
run("pgm_ref" ${PGM_REF} ${WORK}/basic_unet.onnx ${SOURCE_DIR}/examples/denoise/noisy_digit.pgm
    ${WORK}/out.pgm)
message(STATUS "${last_output}")
