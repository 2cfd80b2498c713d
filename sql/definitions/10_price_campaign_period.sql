-- The time a campaign holds its courses: [start, end), or its start instant alone when it has no end (a change that
-- stays). Two campaigns whose periods overlap cannot hold the same course (price_campaign_courses_no_overlap).
CREATE OR REPLACE FUNCTION price_campaign_period(p_starts_at TIMESTAMPTZ, p_ends_at TIMESTAMPTZ) RETURNS TSTZRANGE
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_ends_at IS NULL THEN tstzrange(p_starts_at, p_starts_at, '[]') ELSE tstzrange(p_starts_at, p_ends_at, '[)') END
$$;

REVOKE ALL ON FUNCTION price_campaign_period(TIMESTAMPTZ, TIMESTAMPTZ) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_period(TIMESTAMPTZ, TIMESTAMPTZ) TO techcourse_app;
