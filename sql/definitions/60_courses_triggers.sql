-- The seed's audit trigger (same name and timing): every price change writes one price_changes row.
CREATE OR REPLACE TRIGGER trigger_audit_price
AFTER UPDATE ON courses
FOR EACH ROW
EXECUTE FUNCTION audit_course_price();

-- sales_title follows course inserts, deletes and title changes (under the fold's lock).
CREATE OR REPLACE TRIGGER sales_title_insert AFTER INSERT ON courses
    REFERENCING NEW TABLE AS new_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_title_on_course_insert();
CREATE OR REPLACE TRIGGER sales_title_delete AFTER DELETE ON courses
    REFERENCING OLD TABLE AS old_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_title_on_course_delete();
CREATE OR REPLACE TRIGGER sales_title_update AFTER UPDATE OF title, course_id ON courses
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.course_id IS DISTINCT FROM NEW.course_id)
    EXECUTE FUNCTION sales_title_on_course_update();

-- sales_difficulty follows course inserts, deletes and quiz_metadata changes; price changes never touch it.
CREATE OR REPLACE TRIGGER sales_difficulty_insert AFTER INSERT ON courses
    REFERENCING NEW TABLE AS new_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_difficulty_on_course_insert();
CREATE OR REPLACE TRIGGER sales_difficulty_delete AFTER DELETE ON courses
    REFERENCING OLD TABLE AS old_courses FOR EACH STATEMENT EXECUTE FUNCTION sales_difficulty_on_course_delete();
CREATE OR REPLACE TRIGGER sales_difficulty_update AFTER UPDATE OF quiz_metadata, course_id ON courses
    FOR EACH ROW WHEN (OLD.quiz_metadata IS DISTINCT FROM NEW.quiz_metadata OR OLD.course_id IS DISTINCT FROM NEW.course_id)
    EXECUTE FUNCTION sales_difficulty_on_course_update();

-- A deleted course's title and owner stay in deleted_courses for its price changes in the audit log.
CREATE OR REPLACE TRIGGER courses_remember_deleted AFTER DELETE ON courses FOR EACH ROW EXECUTE FUNCTION remember_deleted_course();

-- The home pages follow course inserts, deletes and changes of what they show (price changes reach them through the
-- audit chain's seal instead).
CREATE OR REPLACE TRIGGER home_notify_courses AFTER INSERT OR DELETE OR UPDATE OF title, is_published, quiz_metadata, instructor_id ON courses
    FOR EACH STATEMENT EXECUTE FUNCTION home_notify();
