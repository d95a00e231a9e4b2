# Test suites (included from the top-level CMakeLists.txt).
# A CTest fixture starts a throwaway PostgreSQL (tests/pgserver.sh) before the suites and stops
# it after; every test then clones its own database from blogdb_template.
find_library(CRITERION_LIBRARY criterion REQUIRED)
find_path(CRITERION_INCLUDE_DIR criterion/criterion.h REQUIRED)

set(BLOGDB_PG_DIR ${CMAKE_BINARY_DIR}/pgtest)
add_test(NAME pg_start COMMAND ${CMAKE_SOURCE_DIR}/tests/pgserver.sh start ${BLOGDB_PG_DIR} ${CMAKE_SOURCE_DIR}/schema.sql)
add_test(NAME pg_stop COMMAND ${CMAKE_SOURCE_DIR}/tests/pgserver.sh stop ${BLOGDB_PG_DIR})
set_tests_properties(pg_start PROPERTIES FIXTURES_SETUP pg)
set_tests_properties(pg_stop PROPERTIES FIXTURES_CLEANUP pg)

add_library(blogdb_test_helpers STATIC tests/helpers.c)
target_include_directories(blogdb_test_helpers PUBLIC ${CRITERION_INCLUDE_DIR})
target_link_libraries(blogdb_test_helpers PUBLIC blogdb PkgConfig::LIBPQ ${CRITERION_LIBRARY})
target_compile_definitions(blogdb_test_helpers PUBLIC _POSIX_C_SOURCE=200809L
  BLOGDB_SOURCE_DIR="${CMAKE_SOURCE_DIR}" BLOGDB_GEN="$<TARGET_FILE:blogdb-gen>"
  PRIVATE BLOGDB_TEST_ENV_FILE="${BLOGDB_PG_DIR}/pg.env")
target_compile_options(blogdb_test_helpers PRIVATE ${BLOGDB_WARNINGS})

# blogdb_test(NAME [runner arguments...])
function(blogdb_test name)
  add_executable(test_${name} tests/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE blogdb_test_helpers)
  target_compile_options(test_${name} PRIVATE ${BLOGDB_WARNINGS})
  add_test(NAME ${name} COMMAND test_${name} --verbose=0 ${ARGN})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED pg TIMEOUT 600)
  if(BLOGDB_SANITIZE)
    # Criterion reports a test's verdict before its worker exits, so a leak found at exit does not
    # fail it: any sanitizer report in the output fails the suite instead.
    set_tests_properties(${name} PROPERTIES
      FAIL_REGULAR_EXPRESSION "ERROR: [A-Za-z]+Sanitizer|SUMMARY: [A-Za-z]+Sanitizer|runtime error:")
  endif()
endfunction()

blogdb_test(users)
blogdb_test(posts)
blogdb_test(runtime)
blogdb_test(codegen)
blogdb_test(corpus)
blogdb_test(security)
blogdb_test(audit)
blogdb_test(queries)
blogdb_test(scale)
target_include_directories(test_scale PRIVATE lib)
find_package(Threads REQUIRED)
target_link_libraries(test_scale PRIVATE Threads::Threads)
# The connection pool: threads, checkout timeouts, broken connections replaced.
blogdb_test(pool)
target_include_directories(test_pool PRIVATE lib)
target_link_libraries(test_pool PRIVATE Threads::Threads)
# Unnamed statements and a real PgBouncer (Debian's) in transaction mode.
blogdb_test(pgbouncer)
target_include_directories(test_pgbouncer PRIVATE lib)
target_link_libraries(test_pgbouncer PRIVATE Threads::Threads)
# LISTEN/NOTIFY on a dedicated connection.
blogdb_test(listen)
# A primary and streaming replicas of its own, multi-host conninfo, routing, failover. Its tests
# run one at a time (-j1): five servers at once are too many for two cores, and Criterion 2.4.1's
# runner leaks a timeout record (48 bytes, LeakSanitizer) when two tests with .timeout overlap.
blogdb_test(failover -j1)
target_include_directories(test_failover PRIVATE lib)
target_include_directories(test_runtime PRIVATE lib)

# Faults: terminated backends, deadlines, cancel, a black-hole and a reset proxy (tests/proxy.c).
blogdb_test(faults)
target_include_directories(test_faults PRIVATE lib)
target_sources(test_faults PRIVATE tests/proxy.c)
target_link_libraries(test_faults PRIVATE Threads::Threads)

# The test server restarted under an open connection: alone, since every suite's connections go.
blogdb_test(restart)
set_tests_properties(restart PROPERTIES RUN_SERIAL ON)
target_compile_definitions(test_restart PRIVATE BLOGDB_PG_DIR="${BLOGDB_PG_DIR}")

# Round trips of every type: bindings generated at build time from tests/types/types.sql.
set(TYPESDB_DIR ${CMAKE_BINARY_DIR}/typesdb)
add_custom_command(
  OUTPUT ${TYPESDB_DIR}/typesdb_schema.h ${TYPESDB_DIR}/typesdb_schema.c ${TYPESDB_DIR}/typesdb_queries.h
          ${TYPESDB_DIR}/typesdb_queries.c
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TYPESDB_DIR}
  COMMAND blogdb-gen --prefix typesdb --out-dir ${TYPESDB_DIR} --queries ${CMAKE_SOURCE_DIR}/tests/types/queries
          ${CMAKE_SOURCE_DIR}/tests/types/types.sql
  DEPENDS blogdb-gen ${CMAKE_SOURCE_DIR}/tests/types/types.sql ${CMAKE_SOURCE_DIR}/tests/types/queries/wide.sql
  COMMENT "blogdb-gen: tests/types/types.sql -> typesdb"
  VERBATIM)
blogdb_test(types)
target_sources(test_types PRIVATE ${TYPESDB_DIR}/typesdb_schema.c ${TYPESDB_DIR}/typesdb_queries.c)
target_include_directories(test_types PRIVATE ${TYPESDB_DIR})

# A hostile server (tests/fakepg.c) against generated bindings of every type.
blogdb_test(hostile)
target_sources(test_hostile PRIVATE tests/fakepg.c ${TYPESDB_DIR}/typesdb_schema.c)
target_include_directories(test_hostile PRIVATE ${TYPESDB_DIR})
target_link_libraries(test_hostile PRIVATE Threads::Threads)

# No import cycle between the files of the runtime or of the generator (file-level call graphs).
add_test(NAME cycles_runtime COMMAND ${CMAKE_SOURCE_DIR}/tests/cycles.sh runtime "$<TARGET_OBJECTS:blogdb_rt>")
add_test(NAME cycles_generator COMMAND ${CMAKE_SOURCE_DIR}/tests/cycles.sh generator "$<TARGET_OBJECTS:blogdb-gen>")

# Packaging: exported symbols, ABI against the baselines, installed consumers, docs.
add_test(NAME symbols_runtime COMMAND ${CMAKE_SOURCE_DIR}/tests/symbols.sh $<TARGET_FILE:blogdb_rt> BLOGDB_RT_0
  blogdb_check_schema blogdb_users_insert)
add_test(NAME symbols_bindings COMMAND ${CMAKE_SOURCE_DIR}/tests/symbols.sh $<TARGET_FILE:blogdb> BLOGDB_0
  blogdb_connect blogdb_rt_exec blogdb_errmsg)
if(NOT BLOGDB_SANITIZE)
  # The blog's queries at a million posts: no page read scans posts (EXPLAIN of each generic plan).
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_test(NAME explain_queries COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/explain_queries.py
    $<TARGET_FILE:blogdb-gen> ${CMAKE_SOURCE_DIR} ${BLOGDB_PG_DIR}/pg.env)
  set_tests_properties(explain_queries PROPERTIES FIXTURES_REQUIRED pg TIMEOUT 600)
  # blogdb-gen's privilege model (GRANT, REVOKE, default privileges, owners, roles) against
  # has_table_privilege / has_column_privilege, for each role of each file.
  add_test(NAME privileges_oracle COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/privileges_oracle.py
    $<TARGET_FILE:blogdb-gen> ${BLOGDB_PG_DIR}/pg.env
    ${CMAKE_SOURCE_DIR}/tests/privileges/grants.sql:priv_app,priv_readers,priv_report,priv_owner
    ${CMAKE_SOURCE_DIR}/schema.sql:blog_app,blog_readonly,blog_owner)
  set_tests_properties(privileges_oracle PROPERTIES FIXTURES_REQUIRED pg TIMEOUT 300)
  add_test(NAME abi_check_runtime COMMAND ${CMAKE_SOURCE_DIR}/tests/abi_check.sh ${CMAKE_SOURCE_DIR}/abi/libblogdb_rt.abi
    $<TARGET_FILE:blogdb_rt> ${CMAKE_SOURCE_DIR}/include)
  add_test(NAME abi_check_bindings COMMAND ${CMAKE_SOURCE_DIR}/tests/abi_check.sh ${CMAKE_SOURCE_DIR}/abi/libblogdb.abi
    $<TARGET_FILE:blogdb> ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/generated)
  add_test(NAME abi_procedure COMMAND ${CMAKE_SOURCE_DIR}/tests/abi_procedure.sh ${CMAKE_SOURCE_DIR}
    ${CMAKE_BINARY_DIR}/abi-procedure)
  set_tests_properties(abi_procedure PROPERTIES TIMEOUT 600)
  add_test(NAME install_consumers COMMAND ${CMAKE_SOURCE_DIR}/tests/install_test.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}
    ${PROJECT_VERSION} ${BLOGDB_BINDINGS_VERSION})
  set_tests_properties(install_consumers PROPERTIES FIXTURES_REQUIRED pg TIMEOUT 600)
  if(DOXYGEN_FOUND)
    add_test(NAME docs COMMAND ${CMAKE_SOURCE_DIR}/tests/docs_check.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
  endif()
endif()
