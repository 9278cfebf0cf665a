"""opsuite api_manager domain."""
