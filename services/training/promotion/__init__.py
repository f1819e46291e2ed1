"""Moving the `production` alias: the gate on recent rows, promotion, rollback, the audit trail."""
