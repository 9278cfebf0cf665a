"""opsuite api_manager servicers."""
