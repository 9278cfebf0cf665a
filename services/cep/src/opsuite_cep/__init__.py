"""opsuite cep."""
