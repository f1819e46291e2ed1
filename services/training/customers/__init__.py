"""Data-subject requests: access export and erasure of one customer's rows."""
