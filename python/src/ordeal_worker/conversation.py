"""How every agent loop opens its conversation: the same words as harness/agent/conversation.ts, so model calls and tokens compare."""
from __future__ import annotations

from typing import TypedDict

DEFAULT_SYSTEM_PROMPT = "You are a careful agent. Use the tools."


class OpeningMessage(TypedDict):
    role: str
    content: str


def opening_messages(task: str, system: str | None = None) -> list[OpeningMessage]:
    """The system message (the scenario's, or the default) and the user's task."""
    return [
        {"role": "system", "content": system or DEFAULT_SYSTEM_PROMPT},
        {"role": "user", "content": task},
    ]
