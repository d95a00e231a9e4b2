-- The schema model as PostgreSQL's catalog sees it, in the shape of `blogdb-gen --dump-model`,
-- compared with the generator's model ($1). Both sides are normalized the same way: relations,
-- enums, indexes, foreign keys and CHECK constraints sorted by name (their order carries no
-- meaning); comments (COMMENT ON) where there are some; columns in
-- table order. View columns compare name and type only: the catalog does not record a view
-- column's nullability (the generator infers it), nor defaults.
-- Returns: equal (bool), the generator's side, the catalog's side (both pretty jsonb text).
WITH model AS (SELECT $1::jsonb AS j),
norm_model AS (
  SELECT jsonb_build_object(
    'enums', COALESCE((SELECT jsonb_agg(e ORDER BY e->>'schema', e->>'name')
                       FROM model, jsonb_array_elements(j->'enums') e), '[]'),
    'relations', COALESCE((SELECT jsonb_agg(jsonb_build_object(
        'schema', r->'schema', 'name', r->'name', 'kind', r->'kind',
        'columns', (SELECT jsonb_agg(CASE WHEN r->>'kind' = 'view' THEN c - 'not_null' - 'has_default' ELSE c END
                                     ORDER BY o)
                    FROM jsonb_array_elements(r->'columns') WITH ORDINALITY AS x(c, o)),
        'primary_key', r->'primary_key',
        'indexes', COALESCE((SELECT jsonb_agg(i ORDER BY i->>'name') FROM jsonb_array_elements(r->'indexes') i), '[]'),
        'foreign_keys', COALESCE((SELECT jsonb_agg(f ORDER BY f->>'name')
                                  FROM jsonb_array_elements(r->'foreign_keys') f), '[]'),
        'checks', COALESCE((SELECT jsonb_agg(k ORDER BY k) FROM jsonb_array_elements_text(r->'checks') k), '[]'))
        || CASE WHEN r ? 'comment' THEN jsonb_build_object('comment', r->'comment') ELSE '{}' END
      ORDER BY r->>'schema', r->>'name')
      FROM model, jsonb_array_elements(j->'relations') r), '[]')) AS j
),
catalog AS (
  SELECT jsonb_build_object(
    'enums', COALESCE((
      SELECT jsonb_agg(jsonb_build_object('schema', n.nspname, 'name', t.typname,
               'labels', (SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
             || CASE WHEN obj_description(t.oid, 'pg_type') IS NOT NULL
                     THEN jsonb_build_object('comment', obj_description(t.oid, 'pg_type')) ELSE '{}' END
             ORDER BY n.nspname, t.typname)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema')), '[]'),
    'relations', COALESCE((
      SELECT jsonb_agg(jsonb_build_object(
        'schema', n.nspname, 'name', c.relname,
        'kind', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view'
                               WHEN 'p' THEN 'partitioned_table' END,
        'columns', (SELECT jsonb_agg(
                       CASE WHEN c.relkind = 'v'
                            THEN jsonb_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                            ELSE jsonb_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                                    'not_null', a.attnotnull, 'has_default', a.atthasdef) END
                       || CASE WHEN col_description(c.oid, a.attnum) IS NOT NULL
                               THEN jsonb_build_object('comment', col_description(c.oid, a.attnum)) ELSE '{}' END
                       ORDER BY a.attnum)
                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
        'primary_key', COALESCE((
            SELECT jsonb_agg(a.attname ORDER BY k.ord)
            FROM pg_constraint pk
            CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = pk.conrelid AND a.attnum = k.attnum
            WHERE pk.conrelid = c.oid AND pk.contype = 'p'), '[]'),
        'indexes', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                     'name', ic.relname,
                     'columns', (SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                 FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
                                 LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum),
                     'unique', i.indisunique,
                     'desc', (SELECT jsonb_agg((o & 1) = 1 ORDER BY k.ord)
                              FROM unnest((i.indoption::int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(o, ord)))
                   ORDER BY ic.relname)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), '[]'),
        'foreign_keys', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                     'name', f.conname,
                     'columns', (SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                 FROM unnest(f.conkey) WITH ORDINALITY AS k(attnum, ord)
                                 JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum),
                     'ref_schema', rn.nspname, 'ref_table', rc.relname,
                     'ref_columns', (SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                     FROM unnest(f.confkey) WITH ORDINALITY AS k(attnum, ord)
                                     JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum))
                   ORDER BY f.conname)
            FROM pg_constraint f JOIN pg_class rc ON rc.oid = f.confrelid
            JOIN pg_namespace rn ON rn.oid = rc.relnamespace
            WHERE f.conrelid = c.oid AND f.contype = 'f'), '[]'),
        'checks', COALESCE((SELECT jsonb_agg(k.conname ORDER BY k.conname) FROM pg_constraint k
                            WHERE k.conrelid = c.oid AND k.contype = 'c'), '[]'))
        || CASE WHEN obj_description(c.oid, 'pg_class') IS NOT NULL
                THEN jsonb_build_object('comment', obj_description(c.oid, 'pg_class')) ELSE '{}' END
        ORDER BY n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'v', 'm', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')), '[]')) AS j
)
SELECT norm_model.j = catalog.j, jsonb_pretty(norm_model.j), jsonb_pretty(catalog.j) FROM norm_model, catalog;
