"""Logins: hashed passwords in a users file, and no exposure without a choice."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vemgorvad.ui.auth import UsersFileError, authenticator, read_users, set_password


def test_a_user_logs_in_with_the_right_password_only(tmp_path):
    users = tmp_path / "users"
    set_password(users, "anna", "rätt lösenord")
    set_password(users, "bo", "ett annat")
    check = authenticator(users)
    assert check("anna", "rätt lösenord")
    assert not check("anna", "fel lösenord")
    assert not check("okänd", "rätt lösenord")
    text = users.read_text(encoding="utf-8")
    assert "rätt lösenord" not in text and text.count("scrypt$") == 2
    assert users.stat().st_mode & 0o077 == 0


def test_a_changed_password_replaces_the_old(tmp_path):
    users = tmp_path / "users"
    set_password(users, "anna", "första lösen")
    set_password(users, "anna", "andra lösen")
    assert list(read_users(users)) == ["anna"]
    assert authenticator(users)("anna", "andra lösen")
    assert not authenticator(users)("anna", "första lösen")


def test_a_malformed_users_file_names_its_line(tmp_path):
    users = tmp_path / "users"
    users.write_text("# kommentar\nanna:klartext\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match=r"users:2"):
        read_users(users)


def _serve(*args):
    return subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", "serve", "--no-build", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exposing_the_server_needs_a_login_or_an_explicit_choice():
    result = _serve("--host", "0.0.0.0")
    assert result.returncode == 2
    assert "--auth" in result.stderr and "--no-auth" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_users_file_stops_serve_with_one_line(tmp_path):
    users = tmp_path / "users"
    users.write_text("anna\n", encoding="utf-8")
    result = _serve("--host", "0.0.0.0", "--auth", str(users))
    assert result.returncode == 2
    assert "users:1" in result.stderr and "Traceback" not in result.stderr


def test_passwd_writes_a_hash_from_standard_input(tmp_path):
    users = tmp_path / "users"
    result = subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", "passwd", str(users), "anna"],
        input="hemligt-lösen\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert authenticator(users)("anna", "hemligt-lösen")
