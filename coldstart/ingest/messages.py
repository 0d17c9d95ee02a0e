"""How error messages show what they found: short, one line, no raw control bytes.

A message names the file, line and value at fault. The value comes from the input, which may be
anything — a 50 MB header, binary noise, a terminal escape sequence — so it is escaped (control
bytes as ``\\x1b``) and cut to a few dozen characters before it goes into a message.
"""

from __future__ import annotations

VALUE_CHARS = 80  # of one value
LIST_CHARS = 160  # of a list of values (a header)


def shown(text: str | bytes, limit: int = VALUE_CHARS) -> str:
    """``text`` as a message shows it: control and non-printable characters escaped, at most
    ``limit`` characters (then "…"); quoted when it has leading/trailing spaces or is empty."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="backslashreplace")
    head = text[: limit + 1]
    escaped = "".join(c if c.isprintable() else _escape(c) for c in head)
    if escaped.strip() != escaped or not escaped:
        escaped = f"'{escaped}'"
    if len(escaped) > limit or len(text) > len(head):
        escaped = escaped[:limit] + "…"
    return escaped


def shown_list(items: list[str], limit: int = LIST_CHARS) -> str:
    """Comma-joined items, cut at ``limit`` characters, with the count when cut."""
    out: list[str] = []
    used = 0
    for i, item in enumerate(items):
        text = shown(item, 40)
        if used + len(text) + 1 > limit:
            return ",".join(out) + f",… ({len(items)} columns, {len(items) - i} more)"
        out.append(text)
        used += len(text) + 1
    return ",".join(out)


def _escape(c: str) -> str:
    code = ord(c)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
