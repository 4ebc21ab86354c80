"""Tests of `intake/records`: reading and importing initiative records."""
