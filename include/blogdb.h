/**
 * @file blogdb.h
 * @brief blogdb: typed C bindings for the blog database, generated from schema.sql.
 *
 * Include this one header. It brings the runtime (connections, errors,
 * timestamps: blogdb/core.h; a thread-safe connection pool: blogdb/pool.h; a primary and its
 * replicas behind one handle: blogdb/cluster.h; LISTEN/NOTIFY: blogdb/listen.h) and the generated API (blogdb_schema.h): per table
 * a row struct and insert/get/list/update/delete/count functions, per view a
 * list function, per enum a C enum with string converters.
 *
 * Every function returns 0 or a negative BLOGDB_E* code; details of the last
 * error come from blogdb_errmsg(), blogdb_sqlstate() and blogdb_constraint().
 * Everything returned through an out-parameter is owned by the caller and freed
 * by the one NULL-safe *_free() function its documentation names.
 */
#ifndef BLOGDB_H
#define BLOGDB_H

#include "blogdb/core.h"
#include "blogdb/pool.h"
#include "blogdb/cluster.h"
#include "blogdb/listen.h"
#include "blogdb_schema.h"
#include "blogdb_queries.h"

#endif /* BLOGDB_H */
