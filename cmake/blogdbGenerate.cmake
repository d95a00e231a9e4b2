# blogdb_generate(<target> SCHEMA <file.sql|dir>... [QUERIES <file.sql|dir>...] [PREFIX <name>] [OUT_DIR <dir>]
#                 [ROLE <role>] [STATIC|SHARED])
#
# Generates C bindings for your own schema with blogdb-gen and builds them into library <target>,
# linked to the schema-neutral runtime blogdb::runtime (libblogdb_rt) only: never to the blog's
# own bindings. The bindings are regenerated when a schema file changes; include
# "<PREFIX>_schema.h" (PREFIX defaults to the target name; it must match [a-z][a-z0-9_]*), and with QUERIES
# "<PREFIX>_queries.h": the typed functions of the query files, regenerated when one changes.
# With ROLE, the bindings are for that database role (blogdb-gen --role): only the functions its
# GRANTs let it call.
# The .sql files behind inputs (a directory stands for its *.sql), and the arguments that name the
# inputs to blogdb-gen (each after `flag`, when flag is not empty).
function(_blogdb_inputs files_var args_var flag)
  set(files "")
  set(args "")
  foreach(item IN LISTS ARGN)
    get_filename_component(abs "${item}" ABSOLUTE)
    if(IS_DIRECTORY "${abs}")
      file(GLOB dir_files CONFIGURE_DEPENDS "${abs}/*.sql")
      list(APPEND files ${dir_files})
    else()
      list(APPEND files "${abs}")
    endif()
    if(flag)
      list(APPEND args ${flag})
    endif()
    list(APPEND args "${abs}")
  endforeach()
  set(${files_var} ${files} PARENT_SCOPE)
  set(${args_var} ${args} PARENT_SCOPE)
endfunction()

function(blogdb_generate target)
  cmake_parse_arguments(BG "STATIC;SHARED" "PREFIX;OUT_DIR;ROLE" "SCHEMA;QUERIES" ${ARGN})
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
  set(role_args "")
  if(BG_ROLE)
    set(role_args --role ${BG_ROLE})
  endif()
  _blogdb_inputs(schema_files schema_args "" ${BG_SCHEMA})
  # QUERIES: query files or directories (sqlc's annotated SQL) -> ${BG_PREFIX}_queries.{h,c}
  _blogdb_inputs(query_files query_args --queries ${BG_QUERIES})
  set(outputs ${BG_OUT_DIR}/${BG_PREFIX}_schema.h ${BG_OUT_DIR}/${BG_PREFIX}_schema.c)
  set(sources ${BG_OUT_DIR}/${BG_PREFIX}_schema.c)
  if(BG_QUERIES)
    list(APPEND outputs ${BG_OUT_DIR}/${BG_PREFIX}_queries.h ${BG_OUT_DIR}/${BG_PREFIX}_queries.c)
    list(APPEND sources ${BG_OUT_DIR}/${BG_PREFIX}_queries.c)
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${BG_OUT_DIR}
    COMMAND blogdb::blogdb-gen --prefix ${BG_PREFIX} --out-dir ${BG_OUT_DIR} ${role_args} ${query_args} ${schema_args}
    DEPENDS ${schema_files} ${query_files} $<TARGET_FILE:blogdb::blogdb-gen>
    COMMENT "blogdb-gen: ${BG_SCHEMA} ${BG_QUERIES} -> ${BG_PREFIX}_*.{h,c}"
    VERBATIM)
  add_library(${target} ${kind} ${sources})
  target_include_directories(${target} PUBLIC ${BG_OUT_DIR})
  target_link_libraries(${target} PUBLIC blogdb::runtime)
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON
                                             C_VISIBILITY_PRESET hidden)
endfunction()
