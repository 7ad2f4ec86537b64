"""Canonical URLs: one story reached by differently dressed links is one URL."""

from __future__ import annotations

import pytest

from gazebot.urls import canonical_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.COM/a/b?id=3#comments", "https://news.example.com/a/b?id=3"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        (
            "https://news.example.com/a?utm_source=tw&id=3&fbclid=x&utm_medium=social",
            "https://news.example.com/a?id=3",
        ),
        ("https://news.example.com", "https://news.example.com/"),
        ("  https://news.example.com/a  ", "https://news.example.com/a"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_query_order_and_path_case_are_kept() -> None:
    assert canonical_url("https://x.example/Path?b=2&a=1") == "https://x.example/Path?b=2&a=1"
