-- Who is acting: set per transaction by the app with set_config('app.user_id', …, true).
CREATE OR REPLACE FUNCTION app_user_id() RETURNS UUID
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.user_id', true), '')::uuid
$$;

GRANT EXECUTE ON FUNCTION app_user_id() TO techcourse_app;
