-- One price change per transaction on a random course (always a real change, so the audit trigger logs it).
\set course random(1, 10000)
UPDATE courses SET price = CASE WHEN price >= 900 THEN price - 1 ELSE price + 0.01 END WHERE course_id = :course;
