"""opsuite ops db."""
