"""The schema as an ordered list of forward migrations; `PRAGMA user_version` records the last applied.

Never edit a migration that has shipped: append a new one. Each runs in its own transaction, so an
older database upgrades in place and a failed step leaves it at the previous version.
"""

from __future__ import annotations

from typing import Final

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: feeds, articles, subscribers and their followed topics.
    """
    CREATE TABLE feeds (
        id                   INTEGER PRIMARY KEY,
        url                  TEXT NOT NULL UNIQUE,
        title                TEXT,
        added_at             TEXT NOT NULL,
        etag                 TEXT,
        last_modified        TEXT,
        last_checked_at      TEXT,
        last_success_at      TEXT,
        last_error           TEXT,
        consecutive_errors   INTEGER NOT NULL DEFAULT 0,
        next_poll_at         TEXT
    );
    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        content_hash  TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL,
        text          TEXT NOT NULL,
        published_at  TEXT,
        fetched_at    TEXT NOT NULL,
        sort_time     TEXT NOT NULL,
        source        TEXT,
        language      TEXT,
        feed_id       INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        analysis      TEXT NOT NULL
    );
    CREATE INDEX articles_by_time ON articles(sort_time DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles(feed_id);
    CREATE TABLE subscribers (
        chat_id         INTEGER PRIMARY KEY,
        chat_type       TEXT NOT NULL DEFAULT 'private',
        active          INTEGER NOT NULL DEFAULT 1,
        timezone        TEXT NOT NULL,
        digest_time     TEXT NOT NULL,
        breaking        INTEGER NOT NULL DEFAULT 1,
        created_at      TEXT NOT NULL,
        last_digest_at  TEXT
    );
    CREATE TABLE follows (
        chat_id  INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE,
        topic    TEXT NOT NULL,
        PRIMARY KEY (chat_id, topic)
    ) WITHOUT ROWID;
    """,
    # 2: full-text search over title, text and normalised topic keys (for /topic and /follow),
    # and the subscriber's next digest instant so the scheduler reads only who is due.
    """
    ALTER TABLE articles ADD COLUMN topic_keys TEXT NOT NULL DEFAULT '';
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, topic_keys,
        content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_fts(rowid, title, text, topic_keys)
        SELECT id, title, text, topic_keys FROM articles;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text, topic_keys)
            VALUES (new.id, new.title, new.text, new.topic_keys);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text, topic_keys)
            VALUES ('delete', old.id, old.title, old.text, old.topic_keys);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text, topic_keys ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text, topic_keys)
            VALUES ('delete', old.id, old.title, old.text, old.topic_keys);
        INSERT INTO articles_fts(rowid, title, text, topic_keys)
            VALUES (new.id, new.title, new.text, new.topic_keys);
    END;
    ALTER TABLE subscribers ADD COLUMN next_digest_at TEXT;
    CREATE INDEX subscribers_due ON subscribers(next_digest_at) WHERE active = 1;
    """,
    # 3: the durable outbox for every broadcast message, the broadcasts that group them, the
    # shared message bodies (one breaking card or one digest text is stored once, not once per
    # recipient), and the topic-alert matches waiting for their hourly batch.
    """
    CREATE TABLE broadcasts (
        id                   INTEGER PRIMARY KEY,
        kind                 TEXT NOT NULL CHECK (kind IN ('digest', 'breaking', 'alert')),
        state                TEXT NOT NULL DEFAULT 'draft'
                             CHECK (state IN ('draft', 'sending', 'done', 'cancelled')),
        article_id           INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        payload              TEXT,
        created_by           INTEGER,
        created_at           TEXT NOT NULL,
        started_at           TEXT,
        finished_at          TEXT,
        progress_chat_id     INTEGER,
        progress_message_id  INTEGER
    );
    CREATE TABLE outbox_bodies (
        id      INTEGER PRIMARY KEY,
        params  TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id            INTEGER PRIMARY KEY,
        broadcast_id  INTEGER REFERENCES broadcasts(id) ON DELETE CASCADE,
        body_id       INTEGER REFERENCES outbox_bodies(id),
        chat_id       INTEGER NOT NULL,
        payload       TEXT NOT NULL,
        state         TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_try_at   REAL NOT NULL,
        created_at    TEXT NOT NULL,
        sent_at       TEXT,
        message_id    INTEGER,
        error         TEXT,
        dedupe_key    TEXT UNIQUE
    );
    CREATE INDEX outbox_due ON outbox(broadcast_id, next_try_at, id) WHERE state = 'pending';
    CREATE INDEX outbox_in_flight ON outbox(id) WHERE state = 'sending';
    CREATE INDEX outbox_by_broadcast ON outbox(broadcast_id, state);
    CREATE INDEX outbox_open_by_chat ON outbox(chat_id) WHERE state IN ('pending', 'sending');
    CREATE INDEX outbox_by_body ON outbox(body_id) WHERE body_id IS NOT NULL;
    CREATE INDEX articles_by_fetched ON articles(fetched_at);
    CREATE TABLE alert_matches (
        chat_id     INTEGER NOT NULL,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        topic       TEXT NOT NULL,
        matched_at  TEXT NOT NULL,
        alerted_at  TEXT,
        PRIMARY KEY (chat_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX alert_matches_waiting ON alert_matches(chat_id) WHERE alerted_at IS NULL;
    CREATE INDEX alert_matches_last ON alert_matches(chat_id, alerted_at);
    """,
    # 4: topic keys drop the letter apostrophe "ʼ" as they drop ' and ’ (Купʼянськ and Куп'янськ
    # are one key); keys stored before kept it. The FTS update trigger re-indexes each row.
    """
    UPDATE articles SET topic_keys = replace(topic_keys, 'ʼ', '') WHERE instr(topic_keys, 'ʼ') > 0;
    """,
)

SCHEMA_VERSION: Final[int] = len(MIGRATIONS)
