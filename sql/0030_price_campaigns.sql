-- Price campaigns (issue 24): bulk and scheduled price changes, reverted at their end.
--
-- A campaign changes the prices of a set of courses with one operation (set to an amount, change by a percentage or
-- an amount, optionally rounded to a price ending) and one reason: now, in the user's own transaction, all or nothing
-- and only if every course still has the price the preview showed (expected_price); or at a start instant, by the
-- scheduler, from the price each course has then. An end instant returns each course to the price it had just before
-- the start (price_before), unless its price was changed meanwhile by anything but the campaign. Every price change a
-- campaign makes is an ordinary price_changes entry carrying its campaign_id, written by the audit trigger, under
-- row-level security, as the campaign's creator (or, ending early, whoever ends it).
--
-- The scheduler acts for the campaign's creator without a browser: for a due step it opens a session bound to that
-- campaign (sessions.campaign_id) in the step's own transaction and ends it there; app_user_role() gives such a
-- session's role as 'schedule:<role>', so it has no right anywhere except the courses update policy, and the audit
-- trigger lets it change only its campaign's courses to the campaign's prices. The functions are in sql/definitions
-- (price_campaign_*, app_session_actor, and the changed app_user_role, audit_course_price, price_change_hash,
-- seal_price_changes, price_changes_append_only, session_check, session_end, change_own_password, delete_user and
-- the courses policies).

-- Exclusion constraints over (course, period) need equality on integers in a GiST index.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE price_campaigns (
    campaign_id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason TEXT NOT NULL CONSTRAINT price_campaigns_reason_check CHECK (char_length(reason) BETWEEN 1 AND 500 AND reason = btrim(reason)),
    -- set: the price; percent: ± percent of the price; amount: ± amount. price_campaign_price() computes it.
    operation TEXT NOT NULL CHECK (operation IN ('set', 'percent', 'amount')),
    amount NUMERIC(12, 2) NOT NULL CONSTRAINT price_campaigns_amount_check CHECK (CASE operation
        WHEN 'set' THEN amount BETWEEN 0 AND 99999999.99
        WHEN 'percent' THEN amount BETWEEN -100 AND 1000 AND amount <> 0
        ELSE amount BETWEEN -99999999.99 AND 99999999.99 AND amount <> 0 END),
    price_ending NUMERIC(3, 2) CHECK (price_ending IN (0.99, 0.49, 0.00)),
    created_by UUID NOT NULL REFERENCES users(user_id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The IANA zone the user picked the start and end in: the instants are exact, the zone says how to show them.
    time_zone TEXT NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ,
    -- scheduled: waits for starts_at; active: applied, waits for ends_at; finished; cancelled (before it started).
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'active', 'finished', 'cancelled')),
    -- When the scheduler has something to do: starts_at while scheduled, ends_at while active, else NULL.
    next_due_at TIMESTAMPTZ,
    -- The step under way, set and cleared inside the one transaction that runs it (a crash rolls both back).
    step TEXT CHECK (step IN ('apply', 'revert')),
    step_xact xid8,
    step_by UUID,
    applied_at TIMESTAMPTZ,
    reverted_at TIMESTAMPTZ,
    ended_early_by UUID REFERENCES users(user_id),
    cancelled_at TIMESTAMPTZ,
    cancelled_by UUID REFERENCES users(user_id),
    CONSTRAINT price_campaigns_end_after_start CHECK (ends_at > starts_at),
    CONSTRAINT price_campaigns_due CHECK (
        CASE state WHEN 'scheduled' THEN next_due_at = starts_at
                   WHEN 'active' THEN ends_at IS NOT NULL AND next_due_at = ends_at
                   ELSE next_due_at IS NULL END),
    CONSTRAINT price_campaigns_step_whole CHECK ((step IS NULL) = (step_xact IS NULL) AND (step IS NULL) = (step_by IS NULL))
);
CREATE INDEX price_campaigns_due_at ON price_campaigns (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX price_campaigns_creator ON price_campaigns (created_by, starts_at DESC);
CREATE INDEX price_campaigns_state_start ON price_campaigns (state, starts_at DESC);

CREATE TABLE price_campaign_courses (
    campaign_id INT NOT NULL REFERENCES price_campaigns(campaign_id) ON DELETE CASCADE,
    -- No foreign key: the campaign's record of a course outlives the course.
    course_id INT NOT NULL,
    -- Applied now: the price the preview showed, which the course must still have. Scheduled: NULL (the operation
    -- applies to the price the course has at the start).
    expected_price NUMERIC(10, 2),
    -- The time the campaign holds the course: [start, end), or the start instant alone for a change with no end.
    period TSTZRANGE NOT NULL,
    -- false once the campaign no longer holds the course (not changed at its start, or the campaign cancelled).
    holds BOOLEAN NOT NULL DEFAULT true,
    -- pending → applied | skipped; applied → reverted | kept (changed meanwhile) | not_reverted (rights, gone).
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'skipped', 'reverted', 'kept', 'not_reverted')),
    -- The price just before the campaign changed it, and the campaign's price (set when applied).
    price_before NUMERIC(10, 2),
    price_after NUMERIC(10, 2),
    applied_log_id INT,
    reverted_log_id INT,
    -- Why a course was skipped, kept or not reverted, and what was found, shown on the campaigns page:
    -- course_deleted; role (found_role: the acting user's role then); not_owner; below_zero, above_maximum, unchanged
    -- (found_price: the price the operation gave); price_changed (found_price: the price then, found_log_id: the
    -- entry that set it); changed_meanwhile (found_price, found_log_id: the newest change that was not the campaign's).
    outcome_reason TEXT CHECK (outcome_reason IN ('course_deleted', 'role', 'not_owner', 'below_zero', 'above_maximum', 'unchanged',
                                                  'price_changed', 'changed_meanwhile')),
    found_price NUMERIC(12, 2),
    found_role TEXT,
    found_log_id INT,
    PRIMARY KEY (campaign_id, course_id),
    CONSTRAINT price_campaign_courses_applied_whole CHECK (
        (state IN ('applied', 'reverted', 'kept', 'not_reverted')) = (price_before IS NOT NULL AND price_after IS NOT NULL AND applied_log_id IS NOT NULL)),
    CONSTRAINT price_campaign_courses_explained CHECK ((state IN ('skipped', 'kept', 'not_reverted')) = (outcome_reason IS NOT NULL)),
    CONSTRAINT price_campaign_courses_no_overlap EXCLUDE USING gist (course_id WITH =, period WITH &&) WHERE (holds)
);

-- Every price change a campaign made names it; the hash chain covers it for new entries (price_change_hash).
ALTER TABLE price_changes ADD COLUMN campaign_id INT REFERENCES price_campaigns(campaign_id);
CREATE INDEX idx_price_changes_campaign ON price_changes (campaign_id, log_id) WHERE campaign_id IS NOT NULL;

-- A session the scheduler opens for one step of one campaign (never a sign-in).
ALTER TABLE sessions ADD COLUMN campaign_id INT REFERENCES price_campaigns(campaign_id) ON DELETE CASCADE;
CREATE INDEX sessions_campaign ON sessions (campaign_id) WHERE campaign_id IS NOT NULL;

-- The runtime role reads campaigns (pages scope them per user) and writes them only through the functions.
GRANT SELECT ON price_campaigns, price_campaign_courses TO techcourse_app;
