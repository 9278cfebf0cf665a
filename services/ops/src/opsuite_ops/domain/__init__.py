"""opsuite ops domain."""
