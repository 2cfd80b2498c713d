-- What is wrong with a course's quiz metadata (NULL: nothing), judged by one immutable function so the analytics
-- page's list of problems reads the partial index idx_courses_metadata_problem instead of judging every course. A
-- change that gives other answers must rebuild that index: REINDEX INDEX idx_courses_metadata_problem in this file,
-- after the function (a numbered script runs before the new body is in place).
CREATE OR REPLACE FUNCTION quiz_metadata_problem(m JSONB) RETURNS TEXT
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
