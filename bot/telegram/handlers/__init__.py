"""One module per feature, each with `register(app)`; `bot.telegram.app` decides the order."""
