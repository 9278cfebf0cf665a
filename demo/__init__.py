"""The demo tenant: an estate database, YAML resources and the code that seeds them."""
