"""opsuite cep domain."""
