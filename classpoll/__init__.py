"""The class poll's storage: every student's prediction, the class's current question.

Kept apart from the lessons and from ``attention_core`` (it needs SQLAlchemy, they do not):
``ui/poll.py`` draws the poll, this package only stores it. See ``store.py`` for the tables and
``codes.py`` for class codes and teacher keys.
"""

from .codes import new_code, new_key, parse_code, parse_key, show_code
from .store import (
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    SCHEMA_VERSION,
    ClassState,
    NewClass,
    PollStore,
    PollUnavailable,
    Round,
    Saved,
    Tally,
    url_from_env,
)

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
