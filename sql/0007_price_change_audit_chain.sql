-- The price-change log becomes append-only, tamper-evident and live.
--
-- Hash chain: every entry gets seal_seq (its place in the chain), prev_hash and entry_hash =
-- sha256(prev_hash || canonical content). The trigger on courses only appends the entry; seal_price_changes()
-- links new entries into the chain in batches under an advisory lock (called every second by the app's listener
-- and before every verification). Writers therefore never wait on each other at commit; an entry counts as
-- sealed once the chain holds it, and "sealed up to" is reported.
--
-- Live timelines: seal_price_changes() announces each sealed batch on channel price_changes
-- ({"from_seq":…,"to_seq":…}). The trigger itself NOTIFYs ({"id":…,"course_id":…}) only when
-- techcourse.audit_notify_each = 'on' (e.g. ALTER DATABASE … SET): PostgreSQL serialises the commits of all
-- notifying transactions behind one lock held through the commit's WAL flush, which measured 150–200 price
-- updates/s instead of ~940/s at 8 clients on the shared test cluster (see README).
ALTER TABLE price_changes
    ADD COLUMN seal_seq BIGINT,
    ADD COLUMN prev_hash BYTEA,
    ADD COLUMN entry_hash BYTEA;

-- Where the chain starts: the zero hash, or after an archive the last archived entry (see README, Retention).
CREATE TABLE price_change_chain_anchor (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    anchor_seq BIGINT NOT NULL,
    anchor_hash BYTEA NOT NULL,
    archived_entries BIGINT NOT NULL DEFAULT 0,
    archived_through TIMESTAMPTZ,
    archived_at TIMESTAMPTZ
);
INSERT INTO price_change_chain_anchor (anchor_seq, anchor_hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Canonical content: a JSON array (escaping done by jsonb), the time as exact epoch seconds (independent of the
-- session's TimeZone/DateStyle). Shared by sealing and verification so both hash the same bytes.
CREATE FUNCTION price_change_hash(p_prev BYTEA, p_log_id INT, p_course_id INT, p_old NUMERIC, p_new NUMERIC,
                                  p_changed_at TIMESTAMPTZ, p_changed_by UUID, p_source TEXT, p_reason TEXT)
RETURNS BYTEA LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(p_prev || convert_to(jsonb_build_array(p_log_id, p_course_id, p_old, p_new,
        extract(epoch FROM p_changed_at), p_changed_by, p_source, p_reason)::text, 'UTF8'))
$$;

-- Links unsealed entries into the chain in log_id order, at most p_limit of them (NULL: all). Entries of
-- transactions still in flight are invisible here and join the chain on a later call, after the ones sealed now.
CREATE FUNCTION seal_price_changes(p_limit INT DEFAULT 50000)
RETURNS TABLE (sealed INT, sealed_up_to BIGINT, unsealed BIGINT)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_seq BIGINT;
    v_hash BYTEA;
    v_ids INT[] := '{}';
    v_seqs BIGINT[] := '{}';
    v_prevs BYTEA[] := '{}';
    v_hashes BYTEA[] := '{}';
    r RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.price_changes.seal'));
    SELECT p.seal_seq, p.entry_hash INTO v_seq, v_hash FROM price_changes p WHERE p.seal_seq IS NOT NULL ORDER BY p.seal_seq DESC LIMIT 1;
    IF v_seq IS NULL THEN
        SELECT a.anchor_seq, a.anchor_hash INTO v_seq, v_hash FROM price_change_chain_anchor a;
    END IF;
    FOR r IN
        SELECT p.log_id, p.course_id, p.old_price, p.new_price, p.changed_at, p.changed_by, p.source, p.reason
        FROM price_changes p WHERE p.seal_seq IS NULL ORDER BY p.log_id LIMIT p_limit
    LOOP
        v_seq := v_seq + 1;
        v_ids := v_ids || r.log_id;
        v_seqs := v_seqs || v_seq;
        v_prevs := v_prevs || v_hash;
        v_hash := price_change_hash(v_hash, r.log_id, r.course_id, r.old_price, r.new_price, r.changed_at, r.changed_by, r.source, r.reason);
        v_hashes := v_hashes || v_hash;
    END LOOP;
    UPDATE price_changes p SET seal_seq = s.seq, prev_hash = s.prev, entry_hash = s.hash
    FROM unnest(v_ids, v_seqs, v_prevs, v_hashes) AS s(log_id, seq, prev, hash)
    WHERE p.log_id = s.log_id;
    IF cardinality(v_ids) > 0 THEN
        PERFORM pg_notify('price_changes', json_build_object('from_seq', v_seqs[1], 'to_seq', v_seq)::text);
    END IF;
    RETURN QUERY SELECT cardinality(v_ids), v_seq, (SELECT count(*) FROM price_changes p WHERE p.seal_seq IS NULL);
END;
$$;
REVOKE ALL ON FUNCTION seal_price_changes(INT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION seal_price_changes(INT) TO techcourse_app;
GRANT SELECT ON price_change_chain_anchor TO techcourse_app;

-- Seal what is already there before the constraints, indexes and triggers below exist (measured: ~25 s for
-- 1,000,000 entries on 2 cores, mostly the sha256 chain itself; see README).
SELECT sealed FROM seal_price_changes(NULL);

ALTER TABLE price_changes
    ADD CONSTRAINT price_changes_seal_seq_key UNIQUE (seal_seq),
    ADD CONSTRAINT price_changes_sealed_whole CHECK ((seal_seq IS NULL) = (entry_hash IS NULL) AND (seal_seq IS NULL) = (prev_hash IS NULL));

-- Append-only: no UPDATE, DELETE or TRUNCATE, even by the owner, unless the transaction says
-- SET LOCAL techcourse.audit_maintenance = 'on'. The one other UPDATE let through is sealing: filling the chain
-- columns of a not yet sealed entry without touching its content.
CREATE FUNCTION price_changes_append_only() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('techcourse.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD WHEN 'UPDATE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL
       AND (NEW.log_id, NEW.course_id, NEW.old_price, NEW.new_price, NEW.changed_at, NEW.changed_by, NEW.source, NEW.reason)
           IS NOT DISTINCT FROM
           (OLD.log_id, OLD.course_id, OLD.old_price, OLD.new_price, OLD.changed_at, OLD.changed_by, OLD.source, OLD.reason) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'price_changes is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'For documented maintenance only: SET LOCAL techcourse.audit_maintenance = ''on'' in the same transaction.';
END;
$$;
CREATE TRIGGER price_changes_append_only BEFORE UPDATE OR DELETE ON price_changes
    FOR EACH ROW EXECUTE FUNCTION price_changes_append_only();
CREATE TRIGGER price_changes_no_truncate BEFORE TRUNCATE ON price_changes
    FOR EACH STATEMENT EXECUTE FUNCTION price_changes_append_only();

-- The seed's trigger name and 0003's attribution stay; with techcourse.audit_notify_each = 'on' each new entry
-- is also announced at once (delivered at commit, dropped on rollback).
CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
DECLARE
    v_log_id INT;
BEGIN
    IF NEW.price <> OLD.price THEN
        INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source, reason)
        VALUES (OLD.course_id, OLD.price, NEW.price, app_user_id(),
                CASE WHEN app_user_id() IS NULL THEN session_user ELSE 'app' END,
                NULLIF(btrim(current_setting('app.change_reason', true)), ''))
        RETURNING log_id INTO v_log_id;
        IF current_setting('techcourse.audit_notify_each', true) = 'on' THEN
            PERFORM pg_notify('price_changes', json_build_object('id', v_log_id, 'course_id', OLD.course_id)::text);
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public;

-- Keyset indexes for the timeline: all entries, one course (also point-in-time), one actor; unsealed backlog.
CREATE INDEX idx_price_changes_timeline ON price_changes (changed_at DESC, log_id DESC);
CREATE INDEX idx_price_changes_course_timeline ON price_changes (course_id, changed_at DESC, log_id DESC);
CREATE INDEX idx_price_changes_actor_timeline ON price_changes (changed_by, changed_at DESC, log_id DESC) WHERE changed_by IS NOT NULL;
CREATE INDEX idx_price_changes_unsealed ON price_changes (log_id) WHERE seal_seq IS NULL;

