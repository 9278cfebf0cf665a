"""opsuite_cli: the command line for people (``opsuite --help``)."""
