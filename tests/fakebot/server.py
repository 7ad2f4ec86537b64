"""A fake Telegram Bot API on 127.0.0.1: strict like Telegram, with fault injection and users to play.

python-telegram-bot talks to it unchanged through its own HTTP stack (``base_url=fake.base_url``).
It runs in its own threads, so it serves sync and async tests alike; every helper is thread-safe.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import random
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .entities import (
    EntityParseError,
    ParsedText,
    check_link,
    entity_text,
    normalize,
    parse_html,
    utf16_len,
)

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
SUPERGROUP_IDS_BELOW = -1_000_000_000_000  # Bot API ids of supergroups and channels: -100…
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
    }
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
# Parameters that arrive as strings in form data but are JSON values in the Bot API.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
    }
)
INT_FIELDS = frozenset({"offset", "limit", "message_id", "cache_time", "message_thread_id"})
FLOAT_FIELDS = frozenset({"timeout"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
    }
)


class ApiError(Exception):
    """A Bot API error response: HTTP status, description and optional `parameters`."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made: method, decoded parameters and how the fake answered."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    at: float


@dataclass(slots=True)
class SentMessage:
    """A message the bot sent, as it stands now (edits applied); `history` keeps earlier texts."""

    chat_id: int
    message_id: int
    text: str
    entities: tuple[dict[str, Any], ...]
    reply_markup: dict[str, Any] | None
    date: int
    html: str
    parse_mode: str | None
    edit_date: int | None = None
    deleted: bool = False
    history: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button, row by row flattened."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        """The callback_data of every inline button that has one."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    @property
    def links(self) -> list[str]:
        """URLs of text links in the text, in order."""
        return [e["url"] for e in self.entities if e["type"] == "text_link"]

    def entities_of(self, kind: str) -> list[str]:
        """The text covered by each entity of one type, e.g. ``entities_of("bold")``."""
        return [entity_text(self.text, e) for e in self.entities if e["type"] == kind]


@dataclass(slots=True)
class _Bucket:
    """A token bucket: `capacity` tokens, refilled at `rate` per second."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token and return 0, or return the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass(slots=True)
class _MethodFault:
    remaining: int
    status: int = 502
    description: str = "Bad Gateway"
    hang_seconds: float | None = None
    deliver: bool = False
    parameters: dict[str, Any] | None = None


@dataclass(slots=True)
class _Chat:
    data: dict[str, Any]
    next_message_id: int = 1
    fault: ApiError | None = None


class FakeBotAPI:
    """The fake server. Start with ``with FakeBotAPI() as fake:`` or ``start()`` / ``close()``.

    Limits (messages per second) are token buckets: per private chat `per_chat_rate` with a burst
    of `per_chat_burst`; per group `group_per_minute` a minute (same burst); overall
    `global_rate` with a burst of one second's worth.  ``rate_limits=False`` turns them off;
    `rate_clock` (monotonic seconds) can be frozen so that no bucket refills during a test.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "gazebot_test_bot",
        global_rate: float = 30.0,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 10,
        group_per_minute: float = 20.0,
        rate_limits: bool = True,
        strict_ampersand: bool = True,
        seed: int = 0,
        rate_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Gazebot Test",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.strict_ampersand = strict_ampersand
        self._rate_clock = rate_clock  # seconds; a frozen clock makes limits exact in tests
        self._lock = threading.Condition(threading.RLock())
        self._closing = threading.Event()
        self._rng = random.Random(seed)
        self._update_ids = itertools.count(self._rng.randint(10_000, 99_999))
        self._callback_ids = itertools.count(self._rng.randint(10**15, 10**16))
        self._updates: deque[dict[str, Any]] = deque()
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._change_generation = 0
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._sent_order: list[tuple[int, int]] = []
        self._sent_by_chat: dict[int, list[tuple[int, int]]] = {}
        self._open_callbacks: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.calls: list[ApiCall] = []
        self.method_counts: Counter[str] = Counter()
        self.rate_limited = 0
        self.in_flight: Counter[str] = Counter()  # requests being answered (or hanging) now
        self.internal_errors: list[str] = []  # tracebacks of the fake's own bugs (should stay [])
        self._method_faults: dict[str, deque[_MethodFault]] = {}
        self._random_faults: tuple[float, frozenset[str] | None, int, random.Random] | None = None
        self.set_limits(
            global_rate=global_rate,
            per_chat_rate=per_chat_rate,
            per_chat_burst=per_chat_burst,
            group_per_minute=group_per_minute,
            enabled=rate_limits,
        )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotAPI:
        """Bind a free port on 127.0.0.1 and serve in a background thread."""
        handler = _make_handler(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; long polls and hung requests are released at once."""
        self._closing.set()
        with self._lock:
            self._lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port> — the server's root."""
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What to give PTB as `base_url` (it appends the token and the method)."""
        return f"{self.url}/bot"

    # ----------------------------------------------------------------- configuration

    def set_limits(
        self,
        *,
        global_rate: float | None = None,
        per_chat_rate: float | None = None,
        per_chat_burst: int | None = None,
        group_per_minute: float | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Change the flood limits; buckets start full again."""
        with self._lock:
            if global_rate is not None:
                self.global_rate = global_rate
            if per_chat_rate is not None:
                self.per_chat_rate = per_chat_rate
            if per_chat_burst is not None:
                self.per_chat_burst = per_chat_burst
            if group_per_minute is not None:
                self.group_per_minute = group_per_minute
            if enabled is not None:
                self.rate_limits = enabled
            now = self._rate_clock()
            self._global_bucket = _Bucket(
                self.global_rate, max(self.global_rate, 1.0), max(self.global_rate, 1.0), now
            )
            self._chat_buckets: dict[int, _Bucket] = {}

    # ----------------------------------------------------------------- fault injection

    def _set_chat_fault(self, chat_id: int, fault: ApiError | None) -> None:
        with self._lock:
            self._chat(chat_id).fault = fault

    def block_chat(self, chat_id: int) -> None:
        """Every call for this chat fails 403 as if the user blocked the bot (no update sent)."""
        self._set_chat_fault(chat_id, ApiError(403, "Forbidden: bot was blocked by the user"))

    def deactivate_user(self, chat_id: int) -> None:
        """The user deleted their account: 403 "user is deactivated"."""
        self._set_chat_fault(chat_id, ApiError(403, "Forbidden: user is deactivated"))

    def kick_from_group(self, chat_id: int) -> None:
        """The bot was removed from a group: 403 "bot was kicked from the group chat"."""
        self._set_chat_fault(chat_id, ApiError(403, "Forbidden: bot was kicked from the group chat"))

    def chat_not_found(self, chat_id: int) -> None:
        """The chat does not exist (or never talked to the bot): 400 "chat not found"."""
        self._set_chat_fault(chat_id, ApiError(400, "Bad Request: chat not found"))

    def migrate_chat(self, chat_id: int, new_chat_id: int, *, announce: bool = False) -> None:
        """A group became a supergroup: calls for the old id fail with migrate_to_chat_id.

        With ``announce=True`` the two service messages Telegram sends are queued too
        (migrate_to_chat_id in the old chat, migrate_from_chat_id in the new one)."""
        with self._lock:
            old = self._chat(chat_id)
            old.fault = ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": new_chat_id},
            )
            new = self._chat(new_chat_id, chat_type="supergroup")
            new.data["title"] = old.data.get("title", new.data.get("title"))
            if announce:
                now = int(time.time())
                self._enqueue(
                    {
                        "message": {
                            "message_id": self._next_message_id(old),
                            "from": dict(self.bot_user),
                            "chat": dict(old.data),
                            "date": now,
                            "migrate_to_chat_id": new_chat_id,
                        }
                    }
                )
                self._enqueue(
                    {
                        "message": {
                            "message_id": self._next_message_id(new),
                            "from": dict(self.bot_user),
                            "chat": dict(new.data),
                            "date": now,
                            "migrate_from_chat_id": chat_id,
                        }
                    }
                )

    def set_chat_error(
        self, chat_id: int, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        """Any other chat-level error, e.g. ``(403, "Forbidden: bot can't initiate
        conversation with a user")``, for every call to that chat until `restore_chat`."""
        self._set_chat_fault(chat_id, ApiError(code, description, parameters))

    def restore_chat(self, chat_id: int) -> None:
        """Undo any chat fault above."""
        self._set_chat_fault(chat_id, None)

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int = 502,
        description: str | None = None,
        retry_after: int = 1,
    ) -> None:
        """The next `count` calls to `method` fail with this status (default 502 Bad Gateway;
        429 comes with `retry_after`, as Telegram sends it)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                503: "Service Unavailable",
                504: "Gateway Timeout",
            }.get(status, "Error")
        parameters = {"retry_after": retry_after} if status == 429 else None
        with self._lock:
            self._method_faults.setdefault(method.lower(), deque()).append(
                _MethodFault(count, status, description, parameters=parameters)
            )

    def hang_next(
        self, method: str, count: int = 1, *, seconds: float = 60.0, deliver: bool = False
    ) -> None:
        """The next `count` calls to `method` get no answer for `seconds` (past the client's
        timeout).  With ``deliver=True`` the call takes effect first — Telegram did send the
        message, the client only lost the answer."""
        with self._lock:
            self._method_faults.setdefault(method.lower(), deque()).append(
                _MethodFault(count, hang_seconds=seconds, deliver=deliver)
            )

    def fail_randomly(
        self,
        fraction: float,
        *,
        seed: int = 0,
        methods: Iterable[str] | None = ("sendMessage",),
        status: int = 502,
    ) -> None:
        """A seeded `fraction` of calls (to `methods`, or all when None) fail with `status`."""
        with self._lock:
            names = None if methods is None else frozenset(m.lower() for m in methods)
            self._random_faults = (fraction, names, status, random.Random(seed))

    def clear_faults(self) -> None:
        """Remove every method fault and random failure (chat faults stay)."""
        with self._lock:
            self._method_faults.clear()
            self._random_faults = None

    # ----------------------------------------------------------------- playing users

    def user(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """The User object for `user_id` (created on first use; `fields` override it)."""
        with self._lock:
            user = self._users.setdefault(
                user_id,
                {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": f"User{user_id}",
                    "username": f"user{user_id}",
                    "language_code": "en",
                },
            )
            user.update(fields)
            return dict(user)

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The user writes `text` (in their private chat, or in group `chat_id`); returns the update."""
        with self._lock:
            user = self.user(user_id)
            if chat_type == "private":
                chat_id = user_id
            elif chat_id is None:
                raise ValueError("a group message needs chat_id")
            chat = self._chat(chat_id, chat_type=chat_type)
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat),
                "from": user,
                "chat": dict(chat.data),
                "date": int(time.time()),
                "text": text,
            }
            if entities:
                message["entities"] = entities
            return self._enqueue({"message": message})

    def send_command(
        self,
        user_id: int,
        command: str,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a command such as ``"/latest 3"`` (a bot_command entity included)."""
        if not command.startswith("/"):
            raise ValueError("a command starts with '/'")
        token = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(token)}
        return self.send_text(
            user_id, command, chat_id=chat_id, chat_type=chat_type, entities=[entity]
        )

    def send_group_message(
        self, user_id: int, group_id: int, text: str, *, chat_type: str = "group"
    ) -> dict[str, Any]:
        """The user writes in a group; commands get their bot_command entity."""
        if text.startswith("/"):
            return self.send_command(user_id, text, chat_type=chat_type, chat_id=group_id)
        return self.send_text(user_id, text, chat_type=chat_type, chat_id=group_id)

    def press_button(
        self, user_id: int, message: SentMessage | int, callback_data: str, *, chat_id: int | None = None
    ) -> str:
        """The user presses the inline button carrying `callback_data` on a message the bot sent.

        `message` is a SentMessage or a message_id (then `chat_id` defaults to the user's
        private chat).  Returns the callback query id.  Fails if no such button is shown.
        """
        with self._lock:
            if isinstance(message, SentMessage):
                key = (message.chat_id, message.message_id)
            else:
                key = (chat_id if chat_id is not None else user_id, message)
            current = self._messages.get(key)
            if current is None or current.deleted:
                raise LookupError(f"the bot has no message {key[1]} in chat {key[0]}")
            if callback_data not in current.callback_data:
                raise LookupError(
                    f"message {key[1]} shows no button with callback_data {callback_data!r}; "
                    f"it has {current.callback_data!r}"
                )
            query_id = str(next(self._callback_ids))
            query = {
                "id": query_id,
                "from": self.user(user_id),
                "message": self._message_json(current),
                "chat_instance": str(abs(hash((self.bot_id, key[0]))) % 10**18),
                "data": callback_data,
            }
            self._open_callbacks[query_id] = query
            self._enqueue({"callback_query": query})
            return query_id

    def add_bot_to_group(
        self, user_id: int, group_id: int, *, title: str | None = None, chat_type: str = "group"
    ) -> dict[str, Any]:
        """The user adds the bot to a group: a my_chat_member update (left → member)."""
        with self._lock:
            chat = self._chat(group_id, chat_type=chat_type)
            if title is not None:
                chat.data["title"] = title
            chat.fault = None
            return self._member_update(user_id, "left", "member", chat_id=group_id)

    def remove_bot_from_group(self, user_id: int, group_id: int) -> dict[str, Any]:
        """The user removes the bot from a group: 403 from then on, and a my_chat_member update
        (member → kicked)."""
        self.kick_from_group(group_id)
        return self._member_update(user_id, "member", "kicked", chat_id=group_id)

    def block_bot(self, user_id: int) -> dict[str, Any]:
        """The user blocks the bot: later calls to their chat get 403; a my_chat_member update
        (member → kicked) is queued and returned."""
        self.block_chat(user_id)
        return self._member_update(user_id, "member", "kicked")

    def unblock_bot(self, user_id: int) -> dict[str, Any]:
        """The user unblocks the bot (kicked → member update); calls work again."""
        self.restore_chat(user_id)
        return self._member_update(user_id, "kicked", "member")

    def _member_update(
        self, user_id: int, old: str, new: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        with self._lock:
            user = self.user(user_id)
            chat = self._chat(user_id if chat_id is None else chat_id)

            def member(status: str) -> dict[str, Any]:
                result: dict[str, Any] = {"status": status, "user": dict(self.bot_user)}
                if status == "kicked":
                    result["until_date"] = 0
                return result

            return self._enqueue(
                {
                    "my_chat_member": {
                        "chat": dict(chat.data),
                        "from": user,
                        "date": int(time.time()),
                        "old_chat_member": member(old),
                        "new_chat_member": member(new),
                    }
                }
            )

    # ----------------------------------------------------------------- reading what the bot did

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Snapshots of the bot's messages (to one chat, or all), in sending order, edits applied;
        deleted messages are left out."""
        with self._lock:
            keys = self._sent_order if chat_id is None else self._sent_by_chat.get(chat_id, [])
            return [
                copy.deepcopy(self._messages[key])
                for key in keys
                if not self._messages[key].deleted
            ]

    def count_sent(self, chat_id: int | None = None) -> int:
        """How many messages the bot has sent (to one chat, or all), deleted ones included.

        Take it before acting as a user, then wait for ``count_sent(...) + n`` messages."""
        with self._lock:
            if chat_id is None:
                return len(self._sent_order)
            return len(self._sent_by_chat.get(chat_id, []))

    def last_message(self, chat_id: int) -> SentMessage:
        """The bot's latest message in a chat (edits applied); LookupError if there is none."""
        found = self.sent_messages(chat_id)
        if not found:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return found[-1]

    def clear_log(self) -> None:
        """Forget logged calls, counters and callback answers (messages and chats stay)."""
        with self._lock:
            self.calls.clear()
            self.method_counts.clear()
            self.rate_limited = 0
            self.callback_answers.clear()

    def wait_for_messages(
        self, chat_id: int | None, count: int, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Block until the chat holds at least `count` bot messages; AssertionError on timeout.

        Blocks the calling thread: from async code use `wait_for_messages_async`.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = self._enough(chat_id, count)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    shown = [m.text[:80] for m in self.sent_messages(chat_id)]
                    raise AssertionError(
                        f"chat {chat_id} got {len(shown)} bot messages within {timeout}s, "
                        f"wanted {count}: {shown!r}"
                    )
                self._lock.wait(remaining)

    async def wait_for_messages_async(
        self,
        chat_id: int | None,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the same knob as the sync twin, clearer failure
    ) -> list[SentMessage]:
        """`wait_for_messages` for async tests: yields to the event loop while it waits."""
        found: list[SentMessage] = await self.wait_until_async(
            lambda: self._enough(chat_id, count),
            timeout,
            lambda: f"chat {chat_id} got {len(self.sent_messages(chat_id))} bot messages "
            f"within {timeout}s, wanted {count}",
        )
        return found

    def _enough(self, chat_id: int | None, count: int) -> list[SentMessage] | None:
        if self.count_sent(chat_id) < count:
            return None
        found = self.sent_messages(chat_id)
        return found if len(found) >= count else None

    def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Block until `predicate()` (run under the server's lock) is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"condition not met within {timeout}s")
                self._lock.wait(remaining)

    async def wait_until_async(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - the same knob as the sync twin
        describe: Callable[[], str] | None = None,
    ) -> Any:
        """Async `wait_until`: checks again after every API call, without blocking the loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                value = predicate()
                generation = self._change_generation
            if value:
                return value
            if loop.time() >= deadline:
                raise AssertionError(describe() if describe else f"not met within {timeout}s")
            # Waiting on the condition happens in a worker thread so the bot's loop keeps running.
            await asyncio.to_thread(self._wait_change, generation, min(0.2, deadline - loop.time()))

    def _wait_change(self, generation: int, timeout: float) -> None:
        with self._lock:
            if self._change_generation == generation:
                self._lock.wait(max(timeout, 0.0))

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every logged call to one method (case-insensitive), in order."""
        name = method.lower()
        with self._lock:
            return [call for call in self.calls if call.method.lower() == name]

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot's getUpdates offset."""
        with self._lock:
            return len(self._updates)

    # ----------------------------------------------------------------- internals: state

    def _changed(self) -> None:
        """Wake every waiter (long polls, wait_for_*): something they may be waiting for moved."""
        self._change_generation += 1
        self._lock.notify_all()

    def _chat(self, chat_id: int, *, chat_type: str | None = None) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_type is None:
                if chat_id > 0:
                    chat_type = "private"
                else:
                    chat_type = "supergroup" if chat_id <= SUPERGROUP_IDS_BELOW else "group"
            data: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                user = self.user(chat_id)
                data["first_name"] = user["first_name"]
                data["username"] = user["username"]
            else:
                data["title"] = f"Group {chat_id}"
            chat = _Chat(data)
            self._chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), **body}
            self._updates.append(update)
            self._changed()
            return copy.deepcopy(update)

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": dict(self.bot_user),
            "chat": dict(self._chat(message.chat_id).data),
            "date": message.date,
            "text": message.text,
        }
        if message.entities:
            data["entities"] = [dict(e) for e in message.entities]
        if message.reply_markup:
            data["reply_markup"] = copy.deepcopy(message.reply_markup)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        return data

    # ----------------------------------------------------------------- internals: requests

    def handle(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one request: (HTTP status, JSON body).  Called from the handler threads."""
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = parts[0].removeprefix("bot"), parts[1]
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        name = method.lower()
        status, body, description = 200, {}, None
        with self._lock:
            self.in_flight[method] += 1
            self._changed()
        try:
            fault = self._take_fault(name)
            if fault is not None and fault.hang_seconds is not None:
                if fault.deliver:
                    self._dispatch(name, params)
                self._closing.wait(fault.hang_seconds)
                raise ApiError(504, "Gateway Timeout")
            if fault is not None:
                raise ApiError(fault.status, fault.description, fault.parameters)
            result = self._dispatch(name, params)
            body = {"ok": True, "result": result}
        except ApiError as error:
            status, description = error.code, error.description
            body = {"ok": False, "error_code": error.code, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # Parameters of the wrong shape: Telegram answers 400, and so do we.
            status = 400
            description = f"Bad Request: invalid parameters: {error}"
            body = {"ok": False, "error_code": 400, "description": description}
        except Exception as error:
            status = 500
            description = f"Internal Server Error: {error!r}"
            body = {"ok": False, "error_code": 500, "description": description}
            with self._lock:
                self.internal_errors.append(traceback.format_exc())
        with self._lock:
            self.in_flight[method] -= 1
            self.method_counts[method] += 1
            if status == 429:
                self.rate_limited += 1
            self.calls.append(ApiCall(method, params, status, description, time.time()))
            self._changed()
        return status, body

    def _take_fault(self, name: str) -> _MethodFault | None:
        with self._lock:
            queue = self._method_faults.get(name)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
            if self._random_faults is not None:
                fraction, names, status, rng = self._random_faults
                if (names is None or name in names) and rng.random() < fraction:
                    return _MethodFault(1, status, "Bad Gateway" if status == 502 else "Error")
        return None

    def _dispatch(self, name: str, params: dict[str, Any]) -> Any:
        handler = _METHODS.get(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(self, params)

    def _target_chat(self, params: Mapping[str, Any]) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if f"@{chat.data.get('username', '')}".lower() == raw.lower():
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chat(chat_id)
        if chat.fault is not None:
            raise chat.fault
        return chat

    def _parse_text(self, params: Mapping[str, Any], key: str = "text") -> ParsedText:
        raw = params.get(key)
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: message text is empty")
        text = str(raw)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "Bad Request: text must be encoded in UTF-8") from None
        parse_mode = params.get("parse_mode")
        if parse_mode and str(parse_mode).lower() == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_ampersand)
            except EntityParseError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        elif parse_mode:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r} in the fake")
        else:
            entities = params.get("entities") or ()
            parsed = ParsedText(text, tuple(dict(e) for e in entities))
        parsed = normalize(parsed)
        if not parsed.text:
            raise ApiError(400, "Bad Request: message text is empty")
        if parsed.length > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return parsed

    def _check_markup(self, params: Mapping[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards and removals are passed through
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: wrong type")
        if sum(len(row) for row in rows) > MAX_BUTTONS:
            raise ApiError(400, "Bad Request: BUTTONS_TOO_MUCH")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                    raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= MAX_CALLBACK_DATA_BYTES:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    url = str(button["url"])
                    if check_link(url) is None or not url.lower().startswith(
                        ("http://", "https://", "tg://")
                    ):
                        raise ApiError(
                            400,
                            f"Bad Request: inline keyboard button URL '{url}' is invalid: "
                            "Wrong HTTP URL",
                        )
                elif not any(
                    key in button
                    for key in (
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "web_app",
                        "login_url",
                        "copy_text",
                        "pay",
                        "callback_game",
                    )
                ):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
        return markup

    def _take_rate(self, chat: _Chat) -> None:
        if not self.rate_limits:
            return
        now = self._rate_clock()
        chat_id = int(chat.data["id"])
        bucket = self._chat_buckets.get(chat_id)
        if bucket is None:
            private = chat.data["type"] == "private"
            rate = self.per_chat_rate if private else self.group_per_minute / 60.0
            burst = float(self.per_chat_burst)
            bucket = _Bucket(rate, burst, burst, now)
            self._chat_buckets[chat_id] = bucket
        wait = bucket.take(now)
        if wait > 0:
            raise ApiError(
                429,
                f"Too Many Requests: retry after {math.ceil(wait)}",
                {"retry_after": math.ceil(wait)},
            )
        wait = self._global_bucket.take(now)
        if wait > 0:
            bucket.tokens += 1  # the chat's token was not used after all
            raise ApiError(
                429,
                f"Too Many Requests: retry after {math.ceil(wait)}",
                {"retry_after": math.ceil(wait)},
            )

    # ----------------------------------------------------------------- methods

    def _get_me(self, params: Mapping[str, Any]) -> Any:
        return dict(self.bot_user)

    def _delete_webhook(self, params: Mapping[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    def _get_webhook_info(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _get_updates(self, params: Mapping[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        deadline = time.monotonic() + timeout
        with self._lock:
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = (
                    frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
                )
            # A newer getUpdates ends any older one still waiting, as on Telegram.
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed()
            while True:
                if offset < 0:
                    while len(self._updates) > -offset:
                        self._updates.popleft()
                elif offset > 0:
                    while self._updates and self._updates[0]["update_id"] < offset:
                        self._updates.popleft()
                self._drop_unwanted()
                if self._updates or self._closing.is_set():
                    return [copy.deepcopy(u) for u in itertools.islice(self._updates, limit)]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._lock.wait(remaining)
                if self._poll_generation != generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )

    def _drop_unwanted(self) -> None:
        kept = [u for u in self._updates if _update_type(u) in self._allowed_updates]
        if len(kept) != len(self._updates):
            self._updates = deque(kept)

    def _send_message(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            chat = self._target_chat(params)
            parsed = self._parse_text(params)
            markup = self._check_markup(params)
            self._take_rate(chat)
            message = SentMessage(
                chat_id=int(chat.data["id"]),
                message_id=self._next_message_id(chat),
                text=parsed.text,
                entities=parsed.entities,
                reply_markup=markup,
                date=int(time.time()),
                html=str(params.get("text")),
                parse_mode=params.get("parse_mode"),
                params=dict(params),
            )
            key = (message.chat_id, message.message_id)
            self._messages[key] = message
            self._sent_order.append(key)
            self._sent_by_chat.setdefault(key[0], []).append(key)
            self._changed()
            return self._message_json(message)

    def _find_own_message(self, params: Mapping[str, Any], verb: str) -> SentMessage:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat = self._target_chat(params)
        try:
            key = (int(chat.data["id"]), int(params.get("message_id") or 0))
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: message to {verb} not found") from None
        message = self._messages.get(key)
        if message is None or message.deleted:
            if key[1] and key[1] < chat.next_message_id:
                raise ApiError(400, f"Bad Request: message can't be {verb}ed")
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return message

    def _edit_message_text(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            message = self._find_own_message(params, "edit")
            parsed = self._parse_text(params)
            markup = self._check_markup(params)
            if (
                parsed.text == message.text
                and parsed.entities == message.entities
                and markup == message.reply_markup
            ):
                raise ApiError(400, NOT_MODIFIED)
            self._take_rate(self._chat(message.chat_id))
            message.history.append(message.text)
            message.text = parsed.text
            message.entities = parsed.entities
            message.reply_markup = markup
            message.html = str(params.get("text"))
            message.parse_mode = params.get("parse_mode")
            message.edit_date = int(time.time())
            self._changed()
            return self._message_json(message)

    def _edit_message_reply_markup(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            message = self._find_own_message(params, "edit")
            markup = self._check_markup(params)
            if markup == message.reply_markup:
                raise ApiError(400, NOT_MODIFIED)
            message.reply_markup = markup
            message.edit_date = int(time.time())
            self._changed()
            return self._message_json(message)

    def _delete_message(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            message = self._find_own_message(params, "delete")
            message.deleted = True
            self._changed()
            return True

    def _answer_callback_query(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            query_id = str(params.get("callback_query_id") or "")
            if query_id not in self._open_callbacks:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is "
                    "invalid",
                )
            text = params.get("text")
            if text is not None and len(str(text)) > 200:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            del self._open_callbacks[query_id]
            self.callback_answers.append({"callback_query_id": query_id, **dict(params)})
            self._changed()
            return True

    def _send_chat_action(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            self._target_chat(params)
        return True

    @staticmethod
    def _command_scope_key(params: Mapping[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Mapping[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not (1 <= len(name) <= 32) or not all(
                c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self.commands[self._command_scope_key(params)] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        return True

    def _get_my_commands(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            return copy.deepcopy(self.commands.get(self._command_scope_key(params), []))

    def _delete_my_commands(self, params: Mapping[str, Any]) -> Any:
        with self._lock:
            self.commands.pop(self._command_scope_key(params), None)
        return True

    def published_commands(self) -> list[dict[str, str]]:
        """The default-scope command list the bot published with setMyCommands."""
        with self._lock:
            return copy.deepcopy(self.commands.get(self._command_scope_key({}), []))


_METHODS: dict[str, Callable[[FakeBotAPI, Mapping[str, Any]], Any]] = {
    "getme": FakeBotAPI._get_me,
    "deletewebhook": FakeBotAPI._delete_webhook,
    "getwebhookinfo": FakeBotAPI._get_webhook_info,
    "getupdates": FakeBotAPI._get_updates,
    "sendmessage": FakeBotAPI._send_message,
    "editmessagetext": FakeBotAPI._edit_message_text,
    "editmessagereplymarkup": FakeBotAPI._edit_message_reply_markup,
    "deletemessage": FakeBotAPI._delete_message,
    "answercallbackquery": FakeBotAPI._answer_callback_query,
    "sendchataction": FakeBotAPI._send_chat_action,
    "setmycommands": FakeBotAPI._set_my_commands,
    "getmycommands": FakeBotAPI._get_my_commands,
    "deletemycommands": FakeBotAPI._delete_my_commands,
}


def _update_type(update: Mapping[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def decode_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Decode a Bot API request (query string, JSON, urlencoded or multipart) into values."""
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";", 1)[0].strip().lower()
    if body:
        if kind == "application/json":
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                raw.update(loaded)
        elif kind == "multipart/form-data":
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name and not part.get_filename():
                    payload = part.get_payload(decode=True)
                    raw[str(name)] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        else:
            raw.update(parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True))
    return {name: _coerce(name, value) for name, value in raw.items()}


def _coerce(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in INT_FIELDS or name == "chat_id":
            return int(value) if name != "chat_id" or value.lstrip("-").isdigit() else value
        if name in FLOAT_FIELDS:
            return float(value)
    except ValueError:
        return value
    if name in BOOL_FIELDS:
        return value.lower() in {"true", "1"}
    return value


def _make_handler(fake: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one segment, without Nagle's delay: the client waits on
        # every answer, so a 40 ms delayed-ACK stall per call would cap the fake near 25 calls/s
        # per connection.
        disable_nagle_algorithm = True
        wbufsize = -1

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            try:
                params = decode_params(self.headers.get("Content-Type", ""), body, parts.query)
            except (ValueError, UnicodeDecodeError):
                status, payload = 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: can't parse request parameters",
                }
            else:
                status, payload = fake.handle(parts.path, params)
            data = json.dumps(payload).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout); nothing to answer

        do_GET = _serve  # noqa: N815
        do_POST = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the call log on the fake replaces the access log."""

    return Handler
