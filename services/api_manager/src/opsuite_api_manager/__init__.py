"""opsuite api_manager."""
