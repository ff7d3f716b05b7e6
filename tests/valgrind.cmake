# SPDX-License-Identifier: MIT
# The emitted BasicUNet under valgrind (memcheck): the e2e driver runs the
# emitted code at batch 1 on the stored input and compares with PyTorch, and
# valgrind must report no error and no leak. Only in a build without the
# sanitizers (valgrind and ASan do not mix); skipped when valgrind is absent.
find_program(ONNXC_VALGRIND valgrind)
if(ONNXC_VALGRIND AND NOT ONNXC_SANITIZE AND NOT ONNXC_FUZZ AND TARGET e2e_basic_unet_b1)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # valgrind 3.19 (Debian 12) cannot read clang 14's DWARF 5
    target_compile_options(e2e_basic_unet_b1 PRIVATE -gdwarf-4)
  endif()
  add_test(NAME valgrind_e2e_basic_unet_b1
           COMMAND ${ONNXC_VALGRIND} --error-exitcode=1 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect,possible --quiet
                   $<TARGET_FILE:e2e_basic_unet_b1>
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/basic_unet/input_b1.f32
                   ${CMAKE_CURRENT_SOURCE_DIR}/data/basic_unet/output_b1.f32)
endif()
