-- Courses and revenue per quiz difficulty, kept as they change (issue 8: the analytics page at 8 clients).
--
-- The analytics page grouped every course by its quiz_metadata difficulty and joined every course's sales totals on
-- each render: about 11 ms of the page's 13.5 ms of queries at full scale. sales_difficulty holds that answer per
-- difficulty (coalesce(quiz_metadata->>'difficulty', '(none)')): the number of courses, the sum and count of their
-- numeric passing scores (the average is their quotient, as avg() computes it), and their folded sales. It is kept
-- the way sales_title is:
--   course inserts, deletes and quiz_metadata changes move a course (its counts and its folded sales) between
--   difficulties, under the fold's lock held to the end of their transaction;
--   the fold adds the deltas it moves to the difficulty their course has then;
--   a read adds the deltas not folded yet by their course's current difficulty, in the same snapshot.
-- Rebuild, clear and the differences check cover it; price changes never touch it.

CREATE TABLE sales_difficulty (
    difficulty TEXT PRIMARY KEY,
    courses BIGINT NOT NULL,
    scored_courses BIGINT NOT NULL,
    passing_score_sum NUMERIC NOT NULL,
    enrollments BIGINT NOT NULL,
    gross_revenue NUMERIC NOT NULL
) WITH (fillfactor = 50);

CREATE FUNCTION sales_difficulty_of(p_metadata JSONB) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(p_metadata OPERATOR(pg_catalog.->>) 'difficulty', '(none)')
$$;

-- The passing score when it is a JSON number, else NULL (it then neither counts nor averages).
CREATE FUNCTION sales_passing_score_of(p_metadata JSONB) RETURNS NUMERIC
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(p_metadata OPERATOR(pg_catalog.->) 'passing_score') OPERATOR(pg_catalog.=) 'number'
                THEN (p_metadata OPERATOR(pg_catalog.->>) 'passing_score')::numeric END
$$;

-- Per difficulty, what its current courses and their folded sales add up to.
CREATE FUNCTION sales_difficulty_expected()
RETURNS TABLE (difficulty TEXT, courses BIGINT, scored_courses BIGINT, passing_score_sum NUMERIC, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT sales_difficulty_of(c.quiz_metadata), count(*), count(sales_passing_score_of(c.quiz_metadata)),
           coalesce(sum(sales_passing_score_of(c.quiz_metadata)), 0), coalesce(sum(s.enrollments), 0)::bigint, coalesce(sum(s.gross_revenue), 0.00)
    FROM courses c LEFT JOIN sales_course s ON s.course_id = c.course_id
    GROUP BY 1
$$;

-- Brings sales_difficulty to what the courses and their folded sales add up to, writing only the rows that differ.
CREATE FUNCTION sales_difficulty_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    CREATE TEMP TABLE sales_difficulty_rebuilt ON COMMIT DROP AS SELECT * FROM sales_difficulty_expected();
    DELETE FROM sales_difficulty t WHERE NOT EXISTS (SELECT 1 FROM sales_difficulty_rebuilt n WHERE n.difficulty = t.difficulty);
    UPDATE sales_difficulty t
    SET courses = n.courses, scored_courses = n.scored_courses, passing_score_sum = n.passing_score_sum,
        enrollments = n.enrollments, gross_revenue = n.gross_revenue
    FROM sales_difficulty_rebuilt n
    WHERE n.difficulty = t.difficulty
      AND (t.courses, t.scored_courses, t.passing_score_sum, t.enrollments, t.gross_revenue)
          IS DISTINCT FROM (n.courses, n.scored_courses, n.passing_score_sum, n.enrollments, n.gross_revenue);
    INSERT INTO sales_difficulty SELECT n.* FROM sales_difficulty_rebuilt n
    WHERE NOT EXISTS (SELECT 1 FROM sales_difficulty t WHERE t.difficulty = n.difficulty);
    DROP TABLE pg_temp.sales_difficulty_rebuilt;
END
$$;

-- Course triggers: a course counts in the difficulty of its metadata with its folded sales (deltas not folded yet are
-- attributed by readers and by the fold). Each adds (p_sign 1) or takes away (-1) the given courses, as they are or
-- were, under the fold's lock, like the title triggers of 0010.
CREATE FUNCTION sales_difficulty_add(p_sign INT, p_courses INT[], p_metadata JSONB[]) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    INSERT INTO sales_difficulty AS t (difficulty, courses, scored_courses, passing_score_sum, enrollments, gross_revenue)
    SELECT sales_difficulty_of(m.metadata), p_sign * count(*), p_sign * count(sales_passing_score_of(m.metadata)),
           p_sign * coalesce(sum(sales_passing_score_of(m.metadata)), 0), p_sign * coalesce(sum(s.enrollments), 0)::bigint,
           p_sign * coalesce(sum(s.gross_revenue), 0.00)
    FROM unnest(p_courses, p_metadata) AS m(course_id, metadata) LEFT JOIN sales_course s ON s.course_id = m.course_id
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (difficulty) DO UPDATE
        SET courses = t.courses + excluded.courses, scored_courses = t.scored_courses + excluded.scored_courses,
            passing_score_sum = t.passing_score_sum + excluded.passing_score_sum,
            enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue;
END
$$;

CREATE FUNCTION sales_difficulty_on_course_insert() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(1, ARRAY(SELECT n.course_id FROM new_courses n ORDER BY n.course_id),
                                    ARRAY(SELECT n.quiz_metadata FROM new_courses n ORDER BY n.course_id));
    RETURN NULL;
END
$$;

CREATE FUNCTION sales_difficulty_on_course_delete() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(-1, ARRAY(SELECT o.course_id FROM old_courses o ORDER BY o.course_id),
                                     ARRAY(SELECT o.quiz_metadata FROM old_courses o ORDER BY o.course_id));
    RETURN NULL;
END
$$;

CREATE FUNCTION sales_difficulty_on_course_update() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(-1, ARRAY[OLD.course_id], ARRAY[OLD.quiz_metadata]);
    PERFORM sales_difficulty_add(1, ARRAY[NEW.course_id], ARRAY[NEW.quiz_metadata]);
    RETURN NULL;
END
$$;

CREATE TRIGGER sales_difficulty_insert AFTER INSERT ON courses
    REFERENCING NEW TABLE AS new_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_difficulty_on_course_insert();
CREATE TRIGGER sales_difficulty_delete AFTER DELETE ON courses
    REFERENCING OLD TABLE AS old_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_difficulty_on_course_delete();
CREATE TRIGGER sales_difficulty_update AFTER UPDATE OF quiz_metadata, course_id ON courses
    FOR EACH ROW WHEN (OLD.quiz_metadata IS DISTINCT FROM NEW.quiz_metadata OR OLD.course_id IS DISTINCT FROM NEW.course_id)
    EXECUTE FUNCTION sales_difficulty_on_course_update();

-- 0010's fold, with the deltas it moves also added to the difficulty their course has (difficulty_rows).
CREATE OR REPLACE FUNCTION sales_rollups_fold(p_wait BOOLEAN DEFAULT true, p_limit INT DEFAULT NULL) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_moved BIGINT;
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    ELSIF NOT pg_try_advisory_xact_lock(hashtext('techcourse.sales.fold')) THEN
        RETURN NULL;
    END IF;
    WITH moved AS MATERIALIZED (
        DELETE FROM sales_deltas d
        WHERE p_limit IS NULL OR d.ctid = ANY (ARRAY(SELECT x.ctid FROM sales_deltas x LIMIT p_limit))
        RETURNING d.course_id, d.enrolled_at, d.enrollments, d.gross_revenue
    ), per_course AS MATERIALIZED (
        SELECT m.course_id, sum(m.enrollments)::bigint AS enrollments, sum(m.gross_revenue) AS gross_revenue
        FROM moved m GROUP BY m.course_id
    ), course_rows AS (
        INSERT INTO sales_course AS t (course_id, enrollments, gross_revenue)
        SELECT p.course_id, p.enrollments, p.gross_revenue FROM per_course p ORDER BY p.course_id
        ON CONFLICT (course_id) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), title_rows AS (
        INSERT INTO sales_title AS t (title, enrollments, gross_revenue)
        SELECT c.title, sum(p.enrollments), sum(p.gross_revenue)
        FROM per_course p JOIN courses c ON c.course_id = p.course_id
        GROUP BY c.title ORDER BY c.title
        ON CONFLICT (title) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), difficulty_rows AS (
        INSERT INTO sales_difficulty AS t (difficulty, courses, scored_courses, passing_score_sum, enrollments, gross_revenue)
        SELECT sales_difficulty_of(c.quiz_metadata), 0, 0, 0, sum(p.enrollments), sum(p.gross_revenue)
        FROM per_course p JOIN courses c ON c.course_id = p.course_id
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (difficulty) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), total_row AS (
        UPDATE sales_total t SET enrollments = t.enrollments + x.enrollments, gross_revenue = t.gross_revenue + x.gross_revenue
        FROM (SELECT sum(p.enrollments) AS enrollments, sum(p.gross_revenue) AS gross_revenue FROM per_course p) x
        WHERE x.enrollments IS NOT NULL
    ), per_quarter AS (
        SELECT x.day, array_agg(x.i ORDER BY x.i) AS at, array_agg(x.e ORDER BY x.i) AS e, array_agg(x.c ORDER BY x.i) AS c
        FROM (SELECT (m.enrolled_at AT TIME ZONE 'UTC')::date AS day, sales_quarter(m.enrolled_at) + 1 AS i,
                     sum(m.enrollments)::bigint AS e, (sum(m.gross_revenue) * 100)::bigint AS c
              FROM moved m WHERE m.enrolled_at IS NOT NULL GROUP BY 1, 2) x
        GROUP BY x.day
    ), day_rows AS (
        INSERT INTO sales_day AS t (day, running_enrollments, running_cents)
        SELECT q.day, sales_running_apply(o.running_enrollments, 96, q.at, q.e), sales_running_apply(o.running_cents, 96, q.at, q.c)
        FROM per_quarter q LEFT JOIN sales_day o ON o.day = q.day
        ORDER BY q.day
        ON CONFLICT (day) DO UPDATE SET running_enrollments = excluded.running_enrollments, running_cents = excluded.running_cents
    ), per_course_day AS (
        SELECT x.month, x.course_id, array_agg(x.i ORDER BY x.i) AS at, array_agg(x.e ORDER BY x.i) AS e, array_agg(x.c ORDER BY x.i) AS c
        FROM (SELECT date_trunc('month', m.enrolled_at AT TIME ZONE 'UTC')::date AS month, m.course_id, date_part('day', m.enrolled_at AT TIME ZONE 'UTC')::int AS i,
                     sum(m.enrollments)::bigint AS e, (sum(m.gross_revenue) * 100)::bigint AS c
              FROM moved m WHERE m.enrolled_at IS NOT NULL AND m.course_id IS NOT NULL GROUP BY 1, 2, 3) x
        GROUP BY x.month, x.course_id
    ), month_rows AS (
        INSERT INTO sales_course_month AS t (month, course_id, running_enrollments, running_cents)
        SELECT q.month, q.course_id, sales_running_apply(o.running_enrollments, 31, q.at, q.e), sales_running_apply(o.running_cents, 31, q.at, q.c)
        FROM per_course_day q LEFT JOIN sales_course_month o ON o.month = q.month AND o.course_id = q.course_id
        ORDER BY q.month, q.course_id
        ON CONFLICT (month, course_id) DO UPDATE SET running_enrollments = excluded.running_enrollments, running_cents = excluded.running_cents
    )
    SELECT count(*) INTO v_moved FROM moved;
    RETURN v_moved;
END
$$;


-- Clear, rebuild and the differences check of 0010 keep their names and now cover sales_difficulty too: 0010's
-- bodies are renamed and called first. The differences are one query: both checks see the caller's snapshot.
ALTER FUNCTION sales_rollups_clear() RENAME TO sales_sums_clear;
ALTER FUNCTION sales_rollups_rebuild() RENAME TO sales_sums_rebuild;
ALTER FUNCTION sales_rollups_differences() RENAME TO sales_sums_differences;

CREATE FUNCTION sales_rollups_clear() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_sums_clear();
    PERFORM sales_difficulty_rebuild();
END
$$;

CREATE FUNCTION sales_rollups_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_sums_rebuild();
    PERFORM sales_difficulty_rebuild();
END
$$;

-- Per difficulty: its courses, passing scores and folded sales against what its current courses add up to.
CREATE FUNCTION sales_difficulty_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT 'difficulty', coalesce(e.difficulty, a.difficulty)
               || CASE WHEN (e.courses, e.scored_courses, e.passing_score_sum) IS DISTINCT FROM (a.courses, a.scored_courses, a.passing_score_sum)
                       THEN format(' (courses %s, scored %s, score sum %s expected; %s, %s, %s kept)',
                                   coalesce(e.courses, 0), coalesce(e.scored_courses, 0), coalesce(e.passing_score_sum, 0),
                                   coalesce(a.courses, 0), coalesce(a.scored_courses, 0), coalesce(a.passing_score_sum, 0))
                       ELSE '' END,
           nullif(coalesce(e.enrollments, 0), 0), nullif(coalesce(a.enrollments, 0), 0), e.gross_revenue, a.gross_revenue
    FROM sales_difficulty_expected() e
    FULL JOIN (SELECT * FROM sales_difficulty WHERE courses <> 0 OR scored_courses <> 0 OR passing_score_sum <> 0
                                                 OR enrollments <> 0 OR gross_revenue <> 0) a ON a.difficulty = e.difficulty
    WHERE (e.courses, e.scored_courses, e.passing_score_sum, e.enrollments, e.gross_revenue)
          IS DISTINCT FROM (a.courses, a.scored_courses, a.passing_score_sum, a.enrollments, a.gross_revenue)
$$;

CREATE FUNCTION sales_rollups_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM sales_sums_differences()
    UNION ALL
    SELECT * FROM sales_difficulty_differences()
    ORDER BY 1, 2
$$;

REVOKE ALL ON FUNCTION sales_sums_clear(), sales_sums_rebuild(), sales_sums_differences(), sales_rollups_clear(), sales_rollups_rebuild(),
    sales_rollups_differences(), sales_difficulty_expected(), sales_difficulty_rebuild(), sales_difficulty_differences(),
    sales_difficulty_add(INT, INT[], JSONB[]) FROM PUBLIC;
GRANT SELECT ON sales_difficulty TO techcourse_app;

SELECT sales_difficulty_rebuild();
