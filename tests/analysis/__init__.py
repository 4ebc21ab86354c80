"""Tests of the analysis cores: names, graph and change-system metrics."""
