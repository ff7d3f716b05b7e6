# SPDX-License-Identifier: MIT
# cmake -DONNXC=... -DMODEL=... -DDIR=... -P compile_twice.cmake
# Compiles MODEL twice (into DIR/a and DIR/b, same --name, symbolic batch left to
# the default assumption) and fails unless the .c and .h files are byte-identical.
foreach(sub a b)
  file(REMOVE_RECURSE ${DIR}/${sub})
  file(MAKE_DIRECTORY ${DIR}/${sub})
  execute_process(COMMAND ${ONNXC} compile ${MODEL} -o ${DIR}/${sub}/model_gen.c
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onnxc compile failed (${rc})")
  endif()
endforeach()
foreach(f model_gen.c model_gen.h)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/a/${f} ${DIR}/b/${f}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${f} differs between two compiles")
  endif()
endforeach()
message(STATUS "identical")
