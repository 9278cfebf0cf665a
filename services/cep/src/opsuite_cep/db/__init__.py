"""opsuite cep db."""
