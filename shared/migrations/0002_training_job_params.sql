-- What a training job was asked to do (time window, gate settings), kept with its result.
ALTER TABLE training_jobs ADD COLUMN params jsonb NOT NULL DEFAULT '{}';
