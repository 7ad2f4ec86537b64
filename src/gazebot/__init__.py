"""gazebot: a Telegram news-digest bot that turns articles into short cards."""

__version__ = "0.1.0"
