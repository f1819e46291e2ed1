-- Drift reports are read per model: the newest ones (listing, scheduling) and the newest
-- training request (cooldown). Both stay index lookups however many checks have run.
CREATE INDEX drift_reports_model_created_idx ON drift_reports (model_name, created_at DESC);
CREATE INDEX drift_reports_model_action_idx ON drift_reports (model_name, action, created_at DESC);
