"""Reading a JSON request body with limits: size is the caller's, nesting depth is ours.

Python's decoder answers a deeply nested document ([[[[…]]]]) with RecursionError, and a
document nested just below that limit still costs every later walk over it. The feeds the
internal API takes are a few levels deep, so anything deeper is refused as malformed.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 16


class JsonBodyError(ValueError):
    """The body is not acceptable JSON; the message says why in Chinese."""


def _depth_exceeded(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            if depth > limit:
                return True
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_body_parse(body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonBodyError("请求内容不是有效的 UTF-8 JSON") from exc
    except RecursionError as exc:
        raise JsonBodyError(f"请求内容的嵌套层数超过{max_depth}层") from exc
    if _depth_exceeded(value, max_depth):
        raise JsonBodyError(f"请求内容的嵌套层数超过{max_depth}层")
    return value
