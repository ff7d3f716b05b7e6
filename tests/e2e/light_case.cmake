# SPDX-License-Identifier: MIT
# cmake -DONNXC=... -DMODEL=... -DREF=... -DNAME=... -DDIR=... -DDRIVER=... -DCC=...
#       -DCFLAGS=... -P light_case.cmake
# One ONNX light model (tests/light.cmake) end to end: `onnxc compile`, the
# emitted C built with the driver e2e_main.c by CC, run on a fixed input and
# compared with the reference output REF within ONNX's model-test tolerance
# (|err| <= 1e-7 + 1e-3 |ref|). The C is compiled here, at test time, so that
# building the project does not compile a gigabyte of weights.
file(MAKE_DIRECTORY ${DIR})
execute_process(COMMAND ${ONNXC} compile ${MODEL} -o ${DIR}/${NAME}.c --name ${NAME}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onnxc compile ${MODEL} failed (${rc})")
endif()

# The input: the element count of input 0 from the header; the values a fixed
# text pattern read as little-endian floats (every 4th byte in '<'..'?': each
# float in [0.011, 0.75]). The README of the models does not say which input
# their reference outputs were made from; these outputs do not depend on it
# (every weight is the same constant), see README "Tests".
file(STRINGS ${DIR}/${NAME}.h size_lines REGEX "_SIZE [0-9]+$")
list(GET size_lines 0 first)
string(REGEX MATCH "[0-9]+$" n_in "${first}")
set(pattern "ab=<Q9x>k2#?z_7=M%e<u(0>H!]?")
string(LENGTH "${pattern}" plen)
math(EXPR bytes "${n_in} * 4")
math(EXPR reps "${bytes} / ${plen} + 1")
string(REPEAT "${pattern}" ${reps} text)
string(SUBSTRING "${text}" 0 ${bytes} text)
file(WRITE ${DIR}/${NAME}_in.f32 "${text}")

string(TOUPPER ${NAME} upper)
separate_arguments(flags UNIX_COMMAND "${CFLAGS}")
execute_process(COMMAND ${CC} ${flags} -I${DIR} "-DE2E_HEADER=\"${NAME}.h\"" -DE2E_RUN=${NAME}_run
                        -DE2E_RUN_WS=${NAME}_run_ws -DE2E_WS_BYTES=${upper}_WORKSPACE_BYTES
                        -DE2E_WS_ALIGN=${upper}_WORKSPACE_ALIGN ${DRIVER} ${DIR}/${NAME}.c
                        -o ${DIR}/${NAME} -lm
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling the emitted ${NAME}.c failed (${rc})")
endif()
execute_process(COMMAND ${DIR}/${NAME} ${DIR}/${NAME}_in.f32 ${REF} 1e-7 1e-3 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: the emitted code does not match ${REF} (${rc})")
endif()
# the weights take most of the disk: keep only what explains a failure
file(REMOVE ${DIR}/${NAME}.c ${DIR}/${NAME})
