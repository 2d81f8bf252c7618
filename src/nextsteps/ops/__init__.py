"""Running nextsteps beyond one server: configuration from the environment, the read-replica
router, backups, and background tasks."""
