"""Operators and their sessions: who may decide review items.

Operator accounts live in the store (table ``operators``, schema version 3):
a name and a salted scrypt hash of the password, never the password. They are
made with ``papersurvey review DIR --add-operator NAME``.

Sessions live in the round's store (:class:`Sessions`, schema version 6), so
several server processes on one round share them: a random token in an
HttpOnly, SameSite=Strict cookie (the store keeps its hash), and a
per-session CSRF token that every POST must carry. A visitor who is not
logged in gets an anonymous session too, so the login form itself is
protected against cross-site posts; logging in replaces it with a new one
(no session fixation). Repeated wrong passwords for one name are slowed down
by :class:`LoginThrottle`, whose failures are in the store too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

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
        token: the cookie value (random, 256 bits); the store keeps only its hash.
        csrf: the token every POST of this session must carry.
        operator: the logged-in operator, or ``""`` before login.
        expires: epoch seconds after which the session is void.
    """

    token: str
    csrf: str
    operator: str
    expires: int

    def csrf_ok(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sessions:
    """The review sessions, in the round's store (table ``review_sessions``).

    Every server process on the round sees the same sessions, so an operator
    logged in through one process is logged in on all of them. The store
    keeps a hash of each cookie value, never the value.

    Attributes:
        lifetime: seconds a session lasts from its creation.
        clock: epoch seconds now (:func:`time.time`; tests pass a fake).
    """

    lifetime: int = SESSION_SECONDS
    clock: Callable[[], float] = time.time

    def create(self, store: Store, operator: str = "") -> Session:
        """A new session (anonymous when ``operator`` is empty)."""
        now = int(self.clock())
        s = Session(
            secrets.token_urlsafe(32), secrets.token_urlsafe(32), operator, now + self.lifetime
        )
        with store.transaction():
            self._prune(store, now)
            store.execute(
                "INSERT INTO review_sessions "
                "(token_hash, csrf, operator, seq, created_at, expires_at) "
                "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1, ?, ? FROM review_sessions",
                (_token_hash(s.token), s.csrf, operator, now, s.expires),
            )
        return s

    def get(self, store: Store, token: str | None) -> Session | None:
        """The live session of ``token``, or ``None``."""
        if not token:
            return None
        row = store.query_one(
            "SELECT csrf, operator, expires_at FROM review_sessions "
            "WHERE token_hash = ? AND expires_at > ?",
            (_token_hash(token), int(self.clock())),
        )
        if row is None:
            return None
        return Session(token, row["csrf"], row["operator"], int(row["expires_at"]))

    def drop(self, store: Store, token: str) -> None:
        with store.transaction():
            store.execute("DELETE FROM review_sessions WHERE token_hash = ?", (_token_hash(token),))

    def _prune(self, store: Store, now: int) -> None:
        """Drop expired sessions, and the oldest anonymous ones beyond the cap."""
        store.execute("DELETE FROM review_sessions WHERE expires_at <= ?", (now,))
        store.execute(
            "DELETE FROM review_sessions WHERE operator = '' AND token_hash NOT IN "
            "(SELECT token_hash FROM review_sessions WHERE operator = '' "
            "ORDER BY seq DESC LIMIT ?)",
            (max(0, MAX_ANONYMOUS_SESSIONS - 1),),
        )


@dataclass(frozen=True)
class LoginThrottle:
    """Refuse logins for a name after ``limit`` failures within ``window`` seconds.

    The failures are in the round's store (table ``review_login_failures``),
    so a name blocked through one server process is blocked on all of them.
    """

    limit: int = 5
    window: int = 300
    clock: Callable[[], float] = time.time

    def blocked(self, store: Store, name: str) -> bool:
        since = int(self.clock()) - self.window
        recent = store.scalar(
            "SELECT count(*) FROM review_login_failures WHERE name = ? AND at > ?",
            (name, since),
        )
        return int(recent or 0) >= self.limit

    def failed(self, store: Store, name: str) -> None:
        now = int(self.clock())
        with store.transaction():
            store.execute("DELETE FROM review_login_failures WHERE at <= ?", (now - self.window,))
            store.execute("INSERT INTO review_login_failures (name, at) VALUES (?, ?)", (name, now))

    def succeeded(self, store: Store, name: str) -> None:
        with store.transaction():
            store.execute("DELETE FROM review_login_failures WHERE name = ?", (name,))
