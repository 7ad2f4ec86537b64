"""gazebot's exception tree: one base class, one branch per part of the pipeline.

    GazebotError
    ├── SettingsError        a setting is missing or malformed (start-up stops, one line)
    ├── SourceError          a feed, page or file could not be read
    │   ├── FetchError       the HTTP request failed (status, timeout, refused URL, too large)
    │   └── FeedError        the bytes are not a feed we can read
    └── StoreError           the database refused an operation
"""

from __future__ import annotations


class GazebotError(Exception):
    """Base of every error gazebot raises on purpose."""


class SettingsError(GazebotError):
    """A setting is missing or malformed; the message names it in one line."""


class SourceError(GazebotError):
    """A source (feed, page, file) could not be read."""


class FetchError(SourceError):
    """An HTTP fetch failed; the message says why without leaking secrets."""


class FeedError(SourceError):
    """The response is not a feed gazebot can parse."""


class StoreError(GazebotError):
    """The database refused an operation (locked for too long, read-only, full disk)."""
