"""Training jobs: start one, follow it, and ask whether production needs one."""
