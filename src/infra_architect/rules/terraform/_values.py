"""The value of what is only known at plan or apply time."""

from __future__ import annotations


class Unknown:
    """A value that depends on something only known at plan or apply time."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()
