-- Privacy: pseudonymous customer ids where outcomes and labelled rows are kept, and an
-- append-only audit trail.

-- The pseudonym (`<key version>:<hex>`, never the raw id) travels with an outcome and the
-- labelled row made from it, so an erasure finds them even after the prediction has aged out.
ALTER TABLE feedback ADD COLUMN customer_id text;
ALTER TABLE features ADD COLUMN customer_id text;
CREATE INDEX predictions_customer_idx ON predictions (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX feedback_customer_idx ON feedback (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX features_customer_idx ON features (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    actor_type      text NOT NULL CHECK (actor_type IN ('user', 'service')),
    action          text NOT NULL,
    object_type     text,
    object_id       text,
    outcome         text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    request_id      text,
    details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, at DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, at DESC);

-- Grants bind ordinary roles; a superuser or the table owner ignores them, so the trigger is
-- what refuses a change to a written row for everybody.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The role the services run as (the migrations run as the owner). Roles belong to the whole
-- server, so several databases on one server share it: create it once, tolerate a race. A
-- managed server may not let the owner create roles: then an administrator creates it (same
-- name) and re-runs this grant block; until then the trigger alone guards the table.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ml_pipeline_app') THEN
        BEGIN
            CREATE ROLE ml_pipeline_app LOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE WARNING 'cannot create role ml_pipeline_app: create it, then grant as here';
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ml_pipeline_app') THEN
        GRANT USAGE ON SCHEMA public TO ml_pipeline_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ml_pipeline_app;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ml_pipeline_app;
        -- The audit trail: the application may add and read, never change or remove.
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ml_pipeline_app;
        -- Tables later migrations create (as the same owner) are the application's as well.
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ml_pipeline_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT USAGE, SELECT ON SEQUENCES TO ml_pipeline_app;
    END IF;
END;
$$;
