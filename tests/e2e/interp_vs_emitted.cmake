# SPDX-License-Identifier: MIT
# cmake -DONNXC=... -DMODEL=... -DINPUT=<path without extension> -DDRIVER=... -DOUT=... -P
# Runs the interpreter (`onnxc run MODEL --input INPUT.pb --output OUT`) and then the
# emitted code's driver on INPUT.f32 against OUT. Both use the same kernel sources,
# so the tolerance is tight (only the C compiler's choices may differ).
execute_process(COMMAND ${ONNXC} run ${MODEL} --input ${INPUT}.pb --output ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onnxc run failed (${rc})")
endif()
execute_process(COMMAND ${DRIVER} ${INPUT}.f32 ${OUT} 1e-6 1e-5 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "emitted code differs from the interpreter")
endif()
