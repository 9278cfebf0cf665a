"""opsuite api_manager db."""
