"""A proof's parameters as text: what the CLI's --set and the app's controls both parse.

Each parameter takes the type of its default (int, float, bool or str), so "30" becomes 30 for
`depth` and 0.3 stays a float for `lr`. Errors are one line that names the parameter and what
it takes, ready to show as they are.
"""

from __future__ import annotations

from typing import Any

from quizapp import proofs

_KINDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


class SettingError(ValueError):
    """A parameter name or value that the proof does not take (the message says why)."""


def convert(name: str, key: str, text: str) -> Any:
    """`text` as a value for parameter `key` of proof `name`, typed like its default."""
    defaults = proofs.parameters(name)
    if key not in defaults:
        known = ", ".join(f"{k}={v}" for k, v in defaults.items())
        raise SettingError(f"{name} has no parameter {key!r}; it has {known}")
    kind = type(defaults[key])
    text = text.strip()
    try:
        if kind is bool:
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        return kind(text)
    except ValueError:
        raise SettingError(f"{key} takes {_KINDS.get(kind, kind.__name__)}, got {text!r}") from None


def parse(name: str, pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs as keyword arguments for `proofs.run(name, ...)`."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep:
            raise SettingError(f"expected KEY=VALUE, got {pair!r}")
        params[key.strip()] = convert(name, key.strip(), text)
    return params
