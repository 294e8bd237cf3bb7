"""Scrambling client IP addresses with a key that is not in the database and changes on schedule.

A scrambled address is only used to count a client's recent comments and
sign-ins. The key lives outside the database, so a copy of the database alone
cannot be searched for the address behind a hash; and it is replaced every
``rotation`` period, so hashes from different periods cannot be linked.

With a secret given (``COHUB_CLIENT_HASH_SECRET``), each period's key is
derived from it and the period's number. Otherwise a random key is kept in a
file readable by its owner only, and replaced (the old one forgotten) when
its period is over.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cohub.comments.settings import SettingsError

__all__ = ("ClientHasher", "key_file_beside")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def key_file_beside(db_path: Path | None) -> Path | None:
    """Where the key file goes when none is named: beside an SQLite database; None for a database server."""
    return None if db_path is None else db_path.with_name(f"{db_path.name}.client-key")


class ClientHasher:
    """Turns a client address into a keyed hash that cannot be reversed without the key.

    Args:
        rotation: How long one key is used.
        clock: Gives the current time (UTC).
        secret: A secret to derive each period's key from; empty to use ``key_file``.
        key_file: Where the random key is kept when there is no secret.

    Raises:
        SettingsError: There is neither a secret nor a key file.
    """

    def __init__(
        self,
        *,
        rotation: timedelta,
        clock: Callable[[], datetime],
        secret: str = "",
        key_file: Path | None = None,
    ) -> None:
        if not secret and key_file is None:
            # Instances sharing a database server must scramble an address alike, or each would keep its own limits.
            raise SettingsError(
                "client_hash_secret (COHUB_CLIENT_HASH_SECRET) must be set when the comments are kept in PostgreSQL,"
                " the same for every instance of the service"
            )
        self._rotation = rotation
        self._clock = clock
        self._secret = secret.encode("utf-8")
        self._key_file = key_file
        self._lock = threading.Lock()
        self._cached: tuple[int, bytes] | None = None

    def hash(self, address: str) -> str:
        """The keyed hash of ``address`` for the current period."""
        return hmac.new(self.current_key(), address.encode("utf-8"), hashlib.sha256).hexdigest()

    def _period(self) -> int:
        return int((self._clock() - _EPOCH) / self._rotation)

    def current_key(self) -> bytes:
        """The key for the current period, making a new one when the period has changed."""
        period = self._period()
        with self._lock:
            if self._cached is None or self._cached[0] != period:
                self._cached = (period, self._key_for(period))
            return self._cached[1]

    def _key_for(self, period: int) -> bytes:
        if self._secret:
            return hmac.new(self._secret, f"client-hash-period-{period}".encode("ascii"), hashlib.sha256).digest()
        assert self._key_file is not None
        # Service processes sharing the database share the key file: the first to need a new key
        # makes it while holding a lock, and the others, waiting on the lock, then read that one.
        self._key_file.parent.mkdir(parents=True, exist_ok=True)
        lock = self._key_file.with_name(f".{self._key_file.name}.lock")
        with os.fdopen(os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600), "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            try:
                kept = json.loads(self._key_file.read_text(encoding="ascii"))
                if kept["period"] == period:
                    return bytes.fromhex(kept["key"])
            except (OSError, ValueError, KeyError, TypeError):
                pass
            key = secrets.token_bytes(32)
            self._write_key(period, key)
            return key

    def _write_key(self, period: int, key: bytes) -> None:
        # Written to a new file made readable by its owner only, then renamed
        # over the old one, so the key is never readable by others nor half written.
        assert self._key_file is not None
        self._key_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._key_file.with_name(f".{self._key_file.name}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            json.dump({"period": period, "key": key.hex()}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self._key_file)
