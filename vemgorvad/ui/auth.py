"""Logins for a shared server: a users file of names and scrypt password hashes.

One user a line, ``name:scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64 salt and hash), as
written by ``vemgorvad passwd FILE NAME``. No password is ever stored or logged in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
"""scrypt's cost: about 50 ms and 16 MiB a check on these machines (OWASP's minimum)."""


class UsersFileError(Exception):
    """A users file that cannot be used; the message names the file and line."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """An scrypt hash of a password, with its parameters and salt, for the users file."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether a password matches a stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def read_users(path: Path) -> dict[str, str]:
    """The users file as name → stored hash.

    Raises:
        UsersFileError: the file is missing, empty, or a line is not ``name:scrypt$…``.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UsersFileError(f"{path}: cannot be read ({error.strerror})") from error
    users: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, stored = line.strip().partition(":")
        if not sep or not name or not stored.startswith("scrypt$") or stored.count("$") != 5:
            raise UsersFileError(
                f"{path}:{number}: expected name:scrypt$… (make entries with `vemgorvad passwd`)"
            )
        users[name] = stored
    if not users:
        raise UsersFileError(f"{path}: no users")
    return users


def authenticator(path: Path) -> Callable[[str, str], bool]:
    """A login check over a users file, for ``gradio.Blocks.launch(auth=…)``."""
    users = read_users(path)

    def check(name: str, password: str) -> bool:
        stored = users.get(name)
        if stored is None:
            hash_password(password)  # the same work for an unknown name: no timing hint
            return False
        return verify_password(password, stored)

    return check


def set_password(path: Path, name: str, password: str) -> None:
    """Add a user to a users file, or change a user's password (the file is rewritten
    atomically and readable by its owner only)."""
    if not name or ":" in name or any(c.isspace() for c in name):
        raise UsersFileError(f"{name!r}: a user name has no colon and no white space")
    users = read_users(path) if path.exists() and path.stat().st_size else {}
    users[name] = hash_password(password)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(f"{n}:{h}\n" for n, h in users.items()), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
