"""Operators and their sessions: who may decide review items.

Operator accounts live in the store (table ``operators``, schema version 3):
a name and a salted scrypt hash of the password, never the password. They are
made with ``papersurvey review DIR --add-operator NAME``.

Sessions live only in the server's memory (:class:`Sessions`): a random
token in an HttpOnly, SameSite=Strict cookie, and a per-session CSRF token
that every POST must carry. A visitor who is not logged in gets an anonymous
session too, so the login form itself is protected against cross-site posts;
logging in replaces it with a new one (no session fixation). Repeated wrong
passwords for one name are slowed down by :class:`LoginThrottle`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from survey.errors import ConflictError, ReviewError
from survey.store import Store, utc_now

SCRYPT_N = 2**14  # about 50 ms and 16 MB per hash: cheap for a login, dear for a guesser
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 10
SESSION_SECONDS = 8 * 3600  # one working day
MAX_ANONYMOUS_SESSIONS = 1000
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES, maxmem=64 * 2**20
    )


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``: ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        got = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


_DUMMY_HASH = hash_password(secrets.token_hex(16))


def check_name(name: str) -> str:
    """The operator name, stripped; raises :class:`ReviewError` when unusable."""
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ReviewError(
            f"operator name {name!r} cannot be used: use 1-64 letters, digits, '.', '_', "
            "'-' or '@', starting with a letter or digit (for example 'j.devries')."
        )
    return name


def check_password(password: str) -> None:
    """Raise :class:`ReviewError` when ``password`` is too weak to protect answers."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ReviewError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few unrelated words make a good one)."
        )


def add_operator(store: Store, name: str, password: str, *, actor: str = "papersurvey") -> str:
    """Create an operator account; returns the stored name.

    Raises:
        ReviewError: the name or password cannot be used.
        ConflictError: an operator of that name exists.
    """
    name = check_name(name)
    check_password(password)
    with store.transaction():
        if store.scalar("SELECT 1 FROM operators WHERE name = ?", (name,)):
            raise ConflictError(
                f"operator {name!r} already exists. Choose another name, or log in as {name!r}."
            )
        store.insert(
            "operators",
            {"name": name, "password_hash": hash_password(password), "created_at": utc_now()},
        )
        store.audit("review.add_operator", {"operator": name}, actor=actor)
    return name


def operators(store: Store) -> list[str]:
    """Every operator's name, sorted."""
    return [r[0] for r in store.query("SELECT name FROM operators ORDER BY name")]


def authenticate(store: Store, name: str, password: str) -> bool:
    """Whether ``name`` is an operator whose password is ``password``.

    An unknown name costs the same hashing time as a known one, so response
    times do not tell which names exist.
    """
    encoded = store.scalar("SELECT password_hash FROM operators WHERE name = ?", (name.strip(),))
    ok = verify_password(password, encoded or _DUMMY_HASH)
    return ok and encoded is not None


@dataclass(frozen=True)
class Session:
    """One browser's session.

    Attributes:
        token: the cookie value (random, 256 bits).
        csrf: the token every POST of this session must carry.
        operator: the logged-in operator, or ``""`` before login.
        expires: ``time.monotonic()`` after which the session is void.
    """

    token: str
    csrf: str
    operator: str
    expires: float

    def csrf_ok(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf)


@dataclass
class Sessions:
    """The server's sessions, in memory, safe to use from several threads."""

    lifetime: float = SESSION_SECONDS
    clock: Callable[[], float] = time.monotonic
    _by_token: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, operator: str = "") -> Session:
        """A new session (anonymous when ``operator`` is empty)."""
        now = self.clock()
        s = Session(
            secrets.token_urlsafe(32), secrets.token_urlsafe(32), operator, now + self.lifetime
        )
        with self._lock:
            self._prune(now)
            self._by_token[s.token] = s
        return s

    def get(self, token: str | None) -> Session | None:
        """The live session of ``token``, or ``None``."""
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s is not None and s.expires <= self.clock():
                del self._by_token[token]
                return None
            return s

    def drop(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

    def _prune(self, now: float) -> None:
        for t in [t for t, s in self._by_token.items() if s.expires <= now]:
            del self._by_token[t]
        anonymous = [t for t, s in self._by_token.items() if not s.operator]
        for t in anonymous[: max(0, len(anonymous) - MAX_ANONYMOUS_SESSIONS + 1)]:
            del self._by_token[t]  # oldest first: dicts keep insertion order


@dataclass
class LoginThrottle:
    """Refuse logins for a name after ``limit`` failures within ``window`` seconds."""

    limit: int = 5
    window: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, name: str) -> bool:
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.pop(name, []) if now - t < self.window]
            if recent:
                self._failures[name] = recent
            return len(recent) >= self.limit

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
