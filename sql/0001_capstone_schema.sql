-- The schema of the TechCourse capstone (shared/seed/techcourse-capstone.sql), steps 1, 3, 4 and 5,
-- with the same names, types, constraints, indexes, view and trigger. Schema only: no rows.

CREATE TABLE users (
    user_id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
    email VARCHAR(150) UNIQUE NOT NULL,
    role VARCHAR(50) DEFAULT 'Student' CHECK (role IN ('Student', 'Instructor', 'Admin')),
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE courses (
    course_id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instructor_id UUID REFERENCES users(user_id) ON DELETE RESTRICT,
    title VARCHAR(200) NOT NULL,
    price NUMERIC(10, 2) NOT NULL CHECK (price >= 0),
    is_published BOOLEAN DEFAULT FALSE,
    quiz_metadata JSONB
);

CREATE TABLE enrollments (
    enrollment_id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    course_id INT REFERENCES courses(course_id) ON DELETE RESTRICT,
    amount_paid NUMERIC(10, 2) NOT NULL,
    enrolled_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (student_id, course_id)
);

CREATE INDEX idx_courses_instructor ON courses(instructor_id);
CREATE INDEX idx_enrollments_student ON enrollments(student_id);
CREATE INDEX idx_enrollments_course ON enrollments(course_id);
CREATE INDEX idx_courses_metadata ON courses USING GIN (quiz_metadata);

CREATE VIEW daily_sales_report AS
SELECT
    c.title AS course_name,
    COUNT(e.enrollment_id) AS total_enrollments,
    SUM(e.amount_paid) AS gross_revenue
FROM courses c
JOIN enrollments e ON c.course_id = e.course_id
GROUP BY c.title;

CREATE TABLE price_changes (
    log_id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id INT NOT NULL,
    old_price NUMERIC,
    new_price NUMERIC,
    changed_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
BEGIN
    IF NEW.price <> OLD.price THEN
        INSERT INTO price_changes (course_id, old_price, new_price)
        VALUES (OLD.course_id, OLD.price, NEW.price);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trigger_audit_price
AFTER UPDATE ON courses
FOR EACH ROW
EXECUTE FUNCTION audit_course_price();
