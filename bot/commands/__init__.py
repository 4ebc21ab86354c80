"""`helix` sub-commands, one module per feature, each exposing `register(app, get_settings)`."""
