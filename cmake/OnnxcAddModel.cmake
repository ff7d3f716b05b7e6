# SPDX-License-Identifier: MIT
# onnxc_add_model(TARGET <lib> MODEL <file.onnx> [NAME <prefix>]
#                 [SHAPE <input>=<d0>,<d1>,... ...] [TRACE] [OPTIONS <onnxc args>...])
#
# Compiles an ONNX model to C at build time with `onnxc compile` and wraps the
# result in a static library target <lib>. Linking <lib> gives the model's
# header (<prefix>.h, on the target's public include path) and its two entry
# points <prefix>_run and <prefix>_run_ws. The C is regenerated whenever the
# model file or the onnxc executable changes.
#
#   TARGET   name of the static library to create
#   MODEL    the .onnx file (relative paths are taken from the current source dir)
#   NAME     prefix of every emitted symbol and the header's name (default: the
#            model file's base name made a C identifier)
#   SHAPE    pins a graph input's shape, as `--shape` does (repeatable)
#   TRACE    emit the per-node trace hook (compile with -D<PREFIX>_TRACE to use it)
#   OPTIONS  more arguments passed to `onnxc compile` as they are
#
# The onnxc executable is the imported target onnxc::onnxc (find_package(onnxc))
# or, inside the onnxc build itself, its alias of the same name.
include_guard(GLOBAL)

function(onnxc_add_model)
  cmake_parse_arguments(ARG "TRACE" "TARGET;MODEL;NAME" "SHAPE;OPTIONS" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_MODEL)
    message(FATAL_ERROR "onnxc_add_model: TARGET and MODEL are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "onnxc_add_model: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET onnxc::onnxc)
    message(FATAL_ERROR "onnxc_add_model: no onnxc::onnxc target; call find_package(onnxc) first")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARG_NAME)
    set(name "${ARG_NAME}")
  else()
    get_filename_component(name "${model}" NAME_WE)
  endif()
  string(MAKE_C_IDENTIFIER "${name}" name_id)
  if(NOT name_id STREQUAL name)
    message(FATAL_ERROR "onnxc_add_model: NAME '${name}' is not a C identifier (try NAME ${name_id})")
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/onnxc_models/${ARG_TARGET}")
  set(c_file "${dir}/${name}.c")
  set(h_file "${dir}/${name}.h")
  set(args compile "${model}" -o "${c_file}" --name "${name}")
  foreach(s IN LISTS ARG_SHAPE)
    list(APPEND args --shape "${s}")
  endforeach()
  if(ARG_TRACE)
    list(APPEND args --trace)
  endif()
  list(APPEND args ${ARG_OPTIONS})

  # Regenerate when the model or onnxc changes. Inside onnxc's own build the
  # alias resolves to the real target, which also orders the build; an imported
  # onnxc is depended on through its file.
  get_target_property(aliased onnxc::onnxc ALIASED_TARGET)
  if(aliased)
    set(onnxc_dep ${aliased})
  else()
    set(onnxc_dep $<TARGET_FILE:onnxc::onnxc>)
  endif()
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${c_file}" "${h_file}"
    COMMAND $<TARGET_FILE:onnxc::onnxc> ${args}
    DEPENDS "${model}" ${onnxc_dep}
    COMMENT "onnxc: compiling ${ARG_MODEL} to ${name}.c"
    VERBATIM)
  add_library(${ARG_TARGET} STATIC "${c_file}" "${h_file}")
  target_include_directories(${ARG_TARGET} PUBLIC "${dir}")
  target_compile_features(${ARG_TARGET} PRIVATE c_std_11)
  set_target_properties(${ARG_TARGET} PROPERTIES C_EXTENSIONS OFF LINKER_LANGUAGE C)
  # the emitted code calls expf and friends
  find_library(ONNXC_LIBM m)
  if(ONNXC_LIBM)
    target_link_libraries(${ARG_TARGET} PUBLIC ${ONNXC_LIBM})
  endif()
endfunction()
