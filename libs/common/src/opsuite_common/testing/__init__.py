"""Test helpers shipped with the library (pytest fixtures live in ``opsuite_common.testing.plugin``)."""

__all__: list[str] = []
