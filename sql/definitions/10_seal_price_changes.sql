-- Links unsealed entries into the hash chain in log_id order, at most p_limit of them (NULL: all), and announces the
-- batch on channel price_changes. Entries of transactions still in flight are invisible here and join the chain on
-- a later call, after the ones sealed now. Writers only append, so price updates never queue behind each other.
CREATE OR REPLACE FUNCTION seal_price_changes(p_limit INT DEFAULT 50000)
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
        SELECT p.log_id, p.course_id, p.old_price, p.new_price, p.changed_at, p.changed_by, p.source, p.reason, p.campaign_id
        FROM price_changes p WHERE p.seal_seq IS NULL ORDER BY p.log_id LIMIT p_limit
    LOOP
        v_seq := v_seq + 1;
        v_ids := v_ids || r.log_id;
        v_seqs := v_seqs || v_seq;
        v_prevs := v_prevs || v_hash;
        v_hash := price_change_hash(v_hash, r.log_id, r.course_id, r.old_price, r.new_price, r.changed_at, r.changed_by, r.source, r.reason,
                                    r.campaign_id);
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

REVOKE ALL ON FUNCTION seal_price_changes(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION seal_price_changes(INTEGER) TO techcourse_app;
