"""Tests of `knowledge/` against the fixture documents in `fixtures/`."""
