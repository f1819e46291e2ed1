-- Run by the Postgres image once, when the dev cluster's volume is first initialised:
-- MLflow's registry and its user store get databases of their own.
CREATE DATABASE mlflow;
CREATE DATABASE mlflow_auth;
