"""All of api_manager's I/O: SQL engines and pools, the HTTP client, the engine cache, the script runner."""
