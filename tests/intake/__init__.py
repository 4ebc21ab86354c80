"""Tests of `intake/`, one folder per subpackage; the database fixtures are in `conftest.py`."""
