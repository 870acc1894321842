"""Operator accounts, password hashes, sessions and the login throttle."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review import auth
from survey.errors import ConflictError, ReviewError
from survey.store import Store


@pytest.fixture
def empty_store(tmp_path):
    with Store.open(tmp_path / "store.sqlite", create=True) as s:
        yield s


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=8, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_hash_verifies_its_own_password_only(password, other):
    encoded = auth.hash_password(password)
    assert auth.verify_password(password, encoded)
    assert auth.verify_password(other, encoded) == (other == password)
    assert password not in encoded.split("$")


def test_hashes_are_salted_and_tamper_evident():
    a, b = auth.hash_password("same password"), auth.hash_password("same password")
    assert a != b and a.startswith("scrypt$")
    scheme, n, r, p, salt, digest = a.split("$")
    assert (int(n), int(r), int(p)) == (auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert len(bytes.fromhex(salt)) == auth.SALT_BYTES
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    assert not auth.verify_password("same password", "$".join([scheme, n, r, p, salt, flipped]))
    for broken in ("", "plain", "md5$1$2$3$00$00", "scrypt$x$8$1$00$00", "scrypt$16$8$1$zz$00"):
        assert not auth.verify_password("same password", broken)


def test_operators_are_stored_without_their_password(empty_store):
    name = auth.add_operator(empty_store, "  j.devries ", "lang genoeg wachtwoord")
    assert name == "j.devries"
    row = empty_store.query_one("SELECT * FROM operators")
    assert row["name"] == "j.devries" and "lang genoeg" not in row["password_hash"]
    assert auth.operators(empty_store) == ["j.devries"]
    assert auth.authenticate(empty_store, "j.devries", "lang genoeg wachtwoord")
    assert not auth.authenticate(empty_store, "j.devries", "lang genoeg wachtwoorD")
    assert not auth.authenticate(empty_store, "nobody", "lang genoeg wachtwoord")
    (detail,) = [
        json.loads(r[0])
        for r in empty_store.query(
            "SELECT detail FROM audit_log WHERE action = 'review.add_operator'"
        )
    ]
    assert detail == {"operator": "j.devries"}


@pytest.mark.parametrize(
    ("name", "password", "error", "message"),
    [
        ("", "long enough password", ReviewError, "cannot be used"),
        ("-dash", "long enough password", ReviewError, "cannot be used"),
        ("has space", "long enough password", ReviewError, "cannot be used"),
        ("x" * 65, "long enough password", ReviewError, "cannot be used"),
        ("anna", "short", ReviewError, "too short"),
        ("taken", "long enough password", ConflictError, "already exists"),
    ],
)
def test_unusable_accounts_are_refused(empty_store, name, password, error, message):
    auth.add_operator(empty_store, "taken", "the first password")
    with pytest.raises(error, match=message):
        auth.add_operator(empty_store, name, password)
    assert auth.operators(empty_store) == ["taken"]


def test_sessions_expire_and_can_be_dropped(empty_store):
    clock = Clock()
    sessions = auth.Sessions(lifetime=60, clock=clock)
    s = sessions.create(empty_store, "anna")
    assert sessions.get(empty_store, s.token) == s and s.operator == "anna"
    assert s.csrf_ok(s.csrf) and not s.csrf_ok("") and not s.csrf_ok(s.csrf + "x")
    assert sessions.get(empty_store, "made-up") is None and sessions.get(empty_store, None) is None
    other = sessions.create(empty_store)
    assert other.token != s.token and other.csrf != s.csrf and other.operator == ""
    sessions.drop(empty_store, other.token)
    assert sessions.get(empty_store, other.token) is None
    clock.now += 61
    assert sessions.get(empty_store, s.token) is None


def test_the_store_keeps_a_hash_of_the_cookie_not_the_cookie(empty_store):
    s = auth.Sessions().create(empty_store, "anna")
    rows = [tuple(r) for r in empty_store.query("SELECT * FROM review_sessions")]
    assert len(rows) == 1 and s.token not in str(rows)


def test_sessions_are_shared_by_every_connection_to_the_store(empty_store, tmp_path):
    s = auth.Sessions().create(empty_store, "anna")
    with Store.open(tmp_path / "store.sqlite") as other:  # another process, say
        assert auth.Sessions().get(other, s.token) == s
        auth.Sessions().drop(other, s.token)
    assert auth.Sessions().get(empty_store, s.token) is None


def test_anonymous_sessions_are_capped(monkeypatch, empty_store):
    monkeypatch.setattr(auth, "MAX_ANONYMOUS_SESSIONS", 5)
    sessions = auth.Sessions()
    operator = sessions.create(empty_store, "anna")
    tokens = [sessions.create(empty_store).token for _ in range(20)]
    live = [t for t in tokens if sessions.get(empty_store, t) is not None]
    assert live == tokens[-5:]
    assert sessions.get(empty_store, operator.token) is not None  # logged-in ones stay


def test_the_throttle_blocks_a_name_after_repeated_failures(empty_store, tmp_path):
    clock = Clock()
    throttle = auth.LoginThrottle(limit=3, window=100, clock=clock)
    for _ in range(3):
        assert not throttle.blocked(empty_store, "anna")
        throttle.failed(empty_store, "anna")
    assert throttle.blocked(empty_store, "anna") and not throttle.blocked(empty_store, "bert")
    with Store.open(tmp_path / "store.sqlite") as other:  # shared by every server process
        assert throttle.blocked(other, "anna")
    clock.now += 101
    assert not throttle.blocked(empty_store, "anna")
    throttle.failed(empty_store, "anna")
    throttle.succeeded(empty_store, "anna")
    assert not throttle.blocked(empty_store, "anna")
    assert empty_store.scalar("SELECT count(*) FROM review_login_failures") == 0  # old ones pruned
