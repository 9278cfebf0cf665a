"""opsuite ops."""
