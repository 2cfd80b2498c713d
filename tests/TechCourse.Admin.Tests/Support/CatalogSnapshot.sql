-- Everything the migrations define in the public schema, one line per object, without what data changes (sequence
-- values, statistics, object ids) and without DbUp's journal (schemaversions). Two databases with the same lines have
-- the same schema. By hand: psql -X -At -f tests/TechCourse.Admin.Tests/Support/CatalogSnapshot.sql, then diff two outputs.
WITH objects(line) AS (
    SELECT format('extension %s %s', e.extname, e.extversion) FROM pg_extension e
    UNION ALL
    SELECT format('schema %s owner=%s acl=%s', n.nspname, pg_get_userbyid(n.nspowner), n.nspacl) FROM pg_namespace n WHERE n.nspname = 'public'
    UNION ALL
    SELECT format('relation %s kind=%s owner=%s acl=%s options=%s rls=%s/%s persistence=%s', c.relname, c.relkind, pg_get_userbyid(c.relowner),
                  c.relacl, c.reloptions, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    UNION ALL
    SELECT format('column %s.%s %s notnull=%s default=%s identity=%s generated=%s storage=%s collation=%s acl=%s', c.relname, a.attname,
                  format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                  a.attstorage, a.attcollation::regcollation, a.attacl)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT format('index %s', pg_get_indexdef(i.indexrelid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('constraint %s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) FROM pg_constraint c
    WHERE c.connamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('function %s owner=%s acl=%s %s', p.oid::regprocedure, pg_get_userbyid(p.proowner), p.proacl, pg_get_functiondef(p.oid))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('view %s %s', c.relname, pg_get_viewdef(c.oid)) FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('trigger %s enabled=%s %s', t.tgname, t.tgenabled, pg_get_triggerdef(t.oid)) FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT format('policy %s.%s %s %s roles=%s using=%s check=%s', p.tablename, p.policyname, p.permissive, p.cmd, p.roles, p.qual, p.with_check)
    FROM pg_policies p WHERE p.schemaname = 'public'
    UNION ALL
    SELECT format('comment %s %s %s', d.classoid::regclass, d.objsubid, d.description) FROM pg_description d
    WHERE d.classoid IN ('pg_class'::regclass, 'pg_proc'::regclass) AND (
        (d.classoid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = d.objoid AND c.relnamespace = 'public'::regnamespace))
        OR (d.classoid = 'pg_proc'::regclass AND EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = d.objoid AND p.pronamespace = 'public'::regnamespace
            AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.objid = p.oid AND x.deptype = 'e'))))
    UNION ALL
    SELECT format('default privileges %s %s %s', pg_get_userbyid(a.defaclrole), a.defaclobjtype, a.defaclacl) FROM pg_default_acl a
)
SELECT line FROM objects WHERE line NOT LIKE '%schemaversions%' ORDER BY line COLLATE "C";
