-- Core tables. Every later change is a new numbered file; applied files never change.

CREATE TABLE features (
    id              bigserial PRIMARY KEY,
    idade           integer NOT NULL CHECK (idade BETWEEN 18 AND 100),
    renda_anual     double precision NOT NULL CHECK (renda_anual >= 0 AND renda_anual <= 10000000),
    comprou_produto boolean NOT NULL,
    observed_at     timestamptz NOT NULL DEFAULT now(),
    source          text NOT NULL DEFAULT 'ingest',
    ingested_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX features_observed_at_idx ON features (observed_at);

CREATE TABLE predictions (
    id              uuid PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    model_name      text NOT NULL,
    model_version   text NOT NULL,
    variant         text NOT NULL,
    shadow          boolean NOT NULL DEFAULT false,
    experiment_id   uuid,
    idade           integer NOT NULL,
    renda_anual     double precision NOT NULL,
    probability     double precision NOT NULL,
    label           boolean NOT NULL,
    latency_ms      real NOT NULL,
    request_id      text,
    subject         text,
    customer_id     text
);
CREATE INDEX predictions_created_at_idx ON predictions (created_at);
CREATE INDEX predictions_model_created_idx ON predictions (model_name, model_version, created_at);
CREATE INDEX predictions_experiment_idx ON predictions (experiment_id) WHERE experiment_id IS NOT NULL;

-- No foreign key to predictions: prediction rows arrive in batches, and the row an
-- outcome refers to is checked by the service before the insert.
CREATE TABLE feedback (
    prediction_id   uuid PRIMARY KEY,
    comprou_produto boolean NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_received_at_idx ON feedback (received_at);

CREATE TABLE users (
    username        text PRIMARY KEY,
    password_hash   text NOT NULL,
    scopes          text[] NOT NULL DEFAULT '{}',
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_jobs (
    id              uuid PRIMARY KEY,
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    stage           text,
    progress        real NOT NULL DEFAULT 0,
    reason          text,
    requested_by    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    mlflow_run_id   text,
    model_version   text,
    metrics         jsonb NOT NULL DEFAULT '{}',
    promoted        boolean NOT NULL DEFAULT false,
    decision        text,
    error           text
);
-- At most one job queued or running: the database enforces it, not a process-local lock.
CREATE UNIQUE INDEX training_jobs_one_active_idx ON training_jobs ((true))
    WHERE status IN ('queued', 'running');
CREATE INDEX training_jobs_created_at_idx ON training_jobs (created_at DESC);

CREATE TABLE model_events (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    model_name      text NOT NULL,
    alias           text NOT NULL,
    action          text NOT NULL,
    from_version    text,
    to_version      text,
    forced          boolean NOT NULL DEFAULT false,
    reason          text,
    actor           text
);
CREATE INDEX model_events_name_alias_idx ON model_events (model_name, alias, at DESC);

CREATE TABLE drift_reports (
    id              bigserial PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    model_name      text NOT NULL,
    model_version   text,
    window_start    timestamptz,
    window_end      timestamptz,
    reference_size  integer NOT NULL DEFAULT 0,
    current_size    integer NOT NULL DEFAULT 0,
    verdict         text NOT NULL,
    features        jsonb NOT NULL DEFAULT '{}',
    prediction      jsonb NOT NULL DEFAULT '{}',
    performance     jsonb NOT NULL DEFAULT '{}',
    action          text NOT NULL DEFAULT 'none',
    details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX drift_reports_created_at_idx ON drift_reports (created_at DESC);

CREATE TABLE experiments (
    id                  uuid PRIMARY KEY,
    model_name          text NOT NULL,
    production_version  text NOT NULL,
    challenger_version  text NOT NULL,
    traffic             double precision NOT NULL CHECK (traffic >= 0 AND traffic <= 1),
    mode                text NOT NULL CHECK (mode IN ('ab', 'shadow')),
    started_at          timestamptz NOT NULL DEFAULT now(),
    ended_at            timestamptz,
    outcome             text
);
CREATE UNIQUE INDEX experiments_one_active_idx ON experiments (model_name) WHERE ended_at IS NULL;
