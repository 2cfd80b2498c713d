-- Courses and price history: one index per access path. Every price change rewrites a courses row (price is indexed,
-- so it is never a HOT update) into each courses index and adds a price_changes row to each of its indexes.

-- 0005 added courses_title_trgm on (title COLLATE "C") beside 0004's idx_courses_title_trgm on title (the database's
-- own collation). The courses page and the enrollment form's course search both match "title ILIKE" now.
DROP INDEX IF EXISTS courses_title_trgm;

-- 0004's (course_id, log_id DESC) duplicated 0007's idx_price_changes_course_timeline (course_id, changed_at DESC,
-- log_id DESC): a course's history and the conflict lookup read newest first in the audit timeline's order now.
DROP INDEX IF EXISTS idx_price_changes_course_log;

-- 0005's (changed_by) WHERE changed_by IS NOT NULL is the leading column, with the same predicate, of 0007's
-- idx_price_changes_actor_timeline, which serves the users page's counts and the users foreign-key checks as well.
DROP INDEX IF EXISTS price_changes_changed_by;

-- Sorting by passing score descending keeps courses without one last (NULLS LAST), which 0004's ascending index
-- cannot give by scanning backwards: that sort read and sorted the jsonb of all courses (~40 ms at 10,000 courses).
CREATE INDEX idx_courses_passing_score_desc ON courses ((quiz_metadata -> 'passing_score') DESC NULLS LAST, course_id DESC);
