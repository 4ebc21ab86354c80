"""Analysis of the change system: matching, metrics, maps, exports and digest content."""
