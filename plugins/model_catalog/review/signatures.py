"""SSH signatures of approvals, in the format git uses for signed commits (``ssh-keygen -Y sign``)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sshsig

NAMESPACE = "model-catalog"


class SigningError(Exception):
    """ssh-keygen could not sign."""


def approval_message(card_id: str, version: str, digest: str, approver: str, role: str, date: str) -> bytes:
    """What an approver signs: the card's content digest and the approval's own fields."""
    return (
        "model-catalog approval v1\n"
        f"card: {card_id}@{version}\n"
        f"digest: {digest}\n"
        f"approver: {approver}\n"
        f"role: {role}\n"
        f"date: {date}\n"
    ).encode()


def sign(message: bytes, key: Path) -> str:
    """An armored SSH signature of ``message`` made by ``ssh-keygen`` with ``key`` (private key or agent's .pub).

    The message goes through a file, not standard input, so that ssh-keygen can
    still ask for a passphrase on the terminal.
    """
    with tempfile.TemporaryDirectory(prefix="model-catalog-sign-") as folder:
        message_file = Path(folder) / "approval.txt"
        message_file.write_bytes(message)
        try:
            done = subprocess.run(
                ["ssh-keygen", "-Y", "sign", "-q", "-f", str(key), "-n", NAMESPACE, str(message_file)],
                capture_output=True,
                check=False,
                timeout=300,
            )
        except FileNotFoundError:
            raise SigningError("ssh-keygen was not found; install OpenSSH (openssh-client)") from None
        except subprocess.TimeoutExpired:
            raise SigningError("ssh-keygen did not finish in 5 minutes (waiting for a passphrase?)") from None
        signature = message_file.with_name(message_file.name + ".sig")
        if done.returncode != 0 or not signature.is_file():
            raise SigningError(f"ssh-keygen could not sign with {key}: {done.stderr.decode(errors='replace').strip()}")
        return signature.read_text().strip()


def parse_public_key(line: str) -> sshsig.PublicKey:
    """Raises ValueError or NotImplementedError when the key cannot be used."""
    import sshsig  # imported on first use: `validate` of unsigned cards never pays for it

    return sshsig.PublicKey.from_openssh_str(line.strip())


def verify(message: bytes, signature: str, keys: list[sshsig.PublicKey]) -> bool:
    """Whether ``signature`` is a valid signature of ``message`` by one of ``keys`` in our namespace."""
    if not keys:
        return False
    import sshsig

    try:
        sshsig.verify(message, signature, keys, namespace=NAMESPACE)
    except Exception:  # noqa: BLE001 - untrusted input: any failure to parse or verify is "not verified"
        return False
    return True
