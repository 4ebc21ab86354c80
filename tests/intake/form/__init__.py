"""Tests of `intake/form`: the definition schema, expressions, checks and the diagram."""
