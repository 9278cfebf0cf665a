"""opsuite cep servicers."""
