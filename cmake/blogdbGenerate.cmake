# blogdb_generate(<target> SCHEMA <file.sql|dir>... [PREFIX <name>] [OUT_DIR <dir>] [STATIC|SHARED])
#
# Generates C bindings for your own schema with blogdb-gen and builds them into library <target>,
# linked to the schema-neutral runtime blogdb::runtime (libblogdb_rt) only: never to the blog's
# own bindings. The bindings are regenerated when a schema file changes; include
# "<PREFIX>_schema.h" (PREFIX defaults to the target name; it must match [a-z][a-z0-9_]*).
function(blogdb_generate target)
  cmake_parse_arguments(BG "STATIC;SHARED" "PREFIX;OUT_DIR" "SCHEMA" ${ARGN})
  if(NOT BG_SCHEMA)
    message(FATAL_ERROR "blogdb_generate(${target}): SCHEMA is required")
  endif()
  if(NOT BG_PREFIX)
    set(BG_PREFIX ${target})
  endif()
  if(NOT BG_OUT_DIR)
    set(BG_OUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${target}_generated)
  endif()
  set(kind "")
  if(BG_STATIC)
    set(kind STATIC)
  elseif(BG_SHARED)
    set(kind SHARED)
  endif()
  set(schema_files "")
  foreach(s IN LISTS BG_SCHEMA)
    get_filename_component(abs "${s}" ABSOLUTE)
    if(IS_DIRECTORY "${abs}")
      file(GLOB dir_files CONFIGURE_DEPENDS "${abs}/*.sql")
      list(APPEND schema_files ${dir_files})
    else()
      list(APPEND schema_files "${abs}")
    endif()
    list(APPEND schema_args "${abs}")
  endforeach()
  add_custom_command(
    OUTPUT ${BG_OUT_DIR}/${BG_PREFIX}_schema.h ${BG_OUT_DIR}/${BG_PREFIX}_schema.c
    COMMAND ${CMAKE_COMMAND} -E make_directory ${BG_OUT_DIR}
    COMMAND blogdb::blogdb-gen --prefix ${BG_PREFIX} --out-dir ${BG_OUT_DIR} ${schema_args}
    DEPENDS ${schema_files} $<TARGET_FILE:blogdb::blogdb-gen>
    COMMENT "blogdb-gen: ${BG_SCHEMA} -> ${BG_PREFIX}_schema.{h,c}"
    VERBATIM)
  add_library(${target} ${kind} ${BG_OUT_DIR}/${BG_PREFIX}_schema.c)
  target_include_directories(${target} PUBLIC ${BG_OUT_DIR})
  target_link_libraries(${target} PUBLIC blogdb::runtime)
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON
                                             C_VISIBILITY_PRESET hidden)
endfunction()
