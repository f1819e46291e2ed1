-- Who reported an outcome, and in what capacity: only the caller that got a prediction (or an
-- admin) may label it, and the labelled row in `features` says which of the two it came from.
ALTER TABLE feedback ADD COLUMN reported_by text;
ALTER TABLE feedback ADD COLUMN source text NOT NULL DEFAULT 'owner'
    CHECK (source IN ('owner', 'admin'));
