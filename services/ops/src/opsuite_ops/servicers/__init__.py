"""opsuite ops servicers."""
