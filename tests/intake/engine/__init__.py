"""Tests of `intake/engine`: walks through the fixture form, properties and repair."""
