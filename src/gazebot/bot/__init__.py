"""The Telegram side of gazebot: handlers, the use cases they call, the bot's own texts."""
