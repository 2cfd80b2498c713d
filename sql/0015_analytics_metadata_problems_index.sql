-- Analytics: what is wrong with a course's quiz metadata, judged by one immutable function, so the page's list of
-- problems reads a partial index of the courses that have one instead of judging every course on every visit.
-- The checks and their order are the analytics page's (AnalyticsQueries.MetadataProblemsSql before 0016).
CREATE FUNCTION quiz_metadata_problem(m JSONB) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN m IS NULL THEN 'no quiz metadata'
    WHEN jsonb_typeof(m) <> 'object' THEN 'metadata is not a JSON object'
    WHEN NOT m ? 'passing_score' THEN 'passing_score missing'
    WHEN jsonb_typeof(m->'passing_score') <> 'number' THEN 'passing_score is not a number'
    WHEN (m->>'passing_score')::numeric NOT BETWEEN 0 AND 100 THEN 'passing_score outside 0–100'
    WHEN NOT m ? 'difficulty' THEN 'difficulty missing'
    WHEN jsonb_typeof(m->'difficulty') <> 'string' THEN 'difficulty is not text'
    WHEN m ? 'questions' AND jsonb_typeof(m->'questions') <> 'number' THEN 'questions is not a number'
END
$$;

CREATE INDEX idx_courses_metadata_problem ON courses (quiz_metadata_problem(quiz_metadata), course_id)
    WHERE quiz_metadata_problem(quiz_metadata) IS NOT NULL;

ANALYZE courses;
