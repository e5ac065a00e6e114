"""The class poll's storage: every student's prediction, the class's current question.

Kept apart from the lessons and from ``attention_core`` (it needs SQLAlchemy, they do not):
``ui/poll.py`` draws the poll, this package only stores it. See ``store.py`` for the tables and
``codes.py`` for class codes and teacher keys.
"""

from .codes import new_code, new_key, parse_code, parse_key, show_code

#: The names that live in ``store`` (it imports SQLAlchemy, ~0.3 s): imported on first use, so a
#: server whose visitors never start a poll never pays for it (its cold start included).
_FROM_STORE = frozenset({
    "DATA_DIR_ENV", "DATABASE_URL_ENV", "SCHEMA_VERSION", "ClassState", "NewClass", "PollStore",
    "PollUnavailable", "Round", "Saved", "Tally", "parse_student", "url_from_env",
})  # fmt: skip


def __getattr__(name: str) -> object:
    if name in _FROM_STORE:
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'classpoll' has no attribute {name!r}")


__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "SCHEMA_VERSION",
    "ClassState",
    "NewClass",
    "PollStore",
    "PollUnavailable",
    "Round",
    "Saved",
    "Tally",
    "new_code",
    "new_key",
    "parse_code",
    "parse_key",
    "show_code",
    "url_from_env",
]
