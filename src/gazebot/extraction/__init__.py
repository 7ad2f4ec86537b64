"""Helpers behind gazebot.extract: decoding, metadata, main-text selection, the benchmark metric."""
