"""Knowledge: the SCS concept documents, their index, hybrid retrieval and grounded answers."""
