"""Pseudonymous customer ids: a keyed hash (HMAC-SHA-256) made at the edge, with key versions.

The gateway replaces every `customer_id` before anything is forwarded, stored or logged. A
stored pseudonym names the key that made it, `<version>:<32 hex>` (128 bits of the HMAC), so
after a key rotation old and new rows can both still be found: erasure and access requests
look a customer up under every configured key version.

Keys come from `PSEUDONYM_KEY` (the current one) and `PSEUDONYM_KEY_VERSION` (its name), and
`PSEUDONYM_RETIRED_KEYS` (`version=key,...`, newest first): keys no longer used for new rows
but kept so that rows written under them are found, and so that A/B assignment does not move.

What crosses from the gateway to inference is the *forwarded form*: the current pseudonym,
then, during a rotation, the pseudonyms under the retired keys, separated by spaces. Inference
stores only the first (`stored_pseudonym`) and sticks A/B variants to the last, the oldest key
still configured (`sticky_pseudonym`): adding a new key mid-experiment moves nobody.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic_core import from_json, to_json

from shared.auth import WeakSecretError, check_secret

HEX_CHARS: Final = 32
# Three forms of 35 characters fit the 128-character customer_id field with room to spare.
MAX_KEYS: Final = 3
_VERSION = re.compile(r"^[A-Za-z0-9]{1,8}$")
_STORED = re.compile(r"^[A-Za-z0-9]{1,8}:[0-9a-f]{32}$")


def is_pseudonym(value: str) -> bool:
    """Whether `value` has the stored form `<version>:<32 hex>`."""
    return bool(_STORED.match(value))


def stored_pseudonym(forwarded: str) -> str:
    """The pseudonym to store: the one made with the current key."""
    return forwarded.split(" ", 1)[0]


def storable_customer_id(forwarded: str | None) -> str | None:
    """The customer id a service may store: the current pseudonym, never anything else.

    Whatever did not come through the gateway's pseudonymisation (a direct internal call) is
    dropped rather than stored in clear.
    """
    if not forwarded:
        return None
    stored = stored_pseudonym(forwarded)
    return stored if is_pseudonym(stored) else None


def sticky_pseudonym(forwarded: str) -> str:
    """The pseudonym A/B assignment sticks to: the one made with the oldest configured key."""
    return forwarded.rsplit(" ", 1)[-1]


@dataclass(frozen=True)
class PseudonymKeys:
    """The current key and the retired ones still configured, newest first."""

    versions: tuple[tuple[str, bytes], ...]
    # One keyed HMAC per version, copied per use: ~2x cheaper than keying it on every call.
    _keyed: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keyed = {name: hmac.new(key, digestmod=hashlib.sha256) for name, key in self.versions}
        object.__setattr__(self, "_keyed", keyed)

    @classmethod
    def from_settings(
        cls, *, key: str, version: str, retired: str | None = None
    ) -> "PseudonymKeys":
        """Keys from PSEUDONYM_KEY, PSEUDONYM_KEY_VERSION and PSEUDONYM_RETIRED_KEYS."""
        pairs = [(version, key)]
        for item in (retired or "").split(","):
            if item.strip():
                name, sep, value = item.strip().partition("=")
                if not sep or not value:
                    raise ValueError("PSEUDONYM_RETIRED_KEYS must read version=key,version=key")
                pairs.append((name.strip(), value.strip()))
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names):
            raise ValueError("pseudonym key versions must be distinct")
        if len(pairs) > MAX_KEYS:
            raise ValueError(f"at most {MAX_KEYS} pseudonym keys (current + retired)")
        for name in names:
            if not _VERSION.match(name):
                raise ValueError(f"pseudonym key version {name!r}: 1-8 letters or digits")
        return cls(tuple((name, value.encode()) for name, value in pairs))

    @property
    def current_version(self) -> str:
        """The version new rows are written under."""
        return self.versions[0][0]

    def pseudonym(self, customer_id: str, *, version: str | None = None) -> str:
        """The stored form of `customer_id` under one key version (the current one by default)."""
        name = self.versions[0][0] if version is None else version
        keyed = self._keyed.get(name)
        if keyed is None:
            raise KeyError(f"no pseudonym key version {name!r}")
        mac = keyed.copy()
        mac.update(customer_id.encode())
        return f"{name}:{mac.hexdigest()[:HEX_CHARS]}"

    def every_pseudonym(self, customer_id: str) -> list[str]:
        """`customer_id` under every configured key: what finds all of a customer's rows."""
        return [self.pseudonym(customer_id, version=name) for name, _ in self.versions]

    def forwarded(self, customer_id: str) -> str:
        """What the gateway forwards in place of `customer_id` (see the module docstring)."""
        if len(self.versions) == 1:
            return self.pseudonym(customer_id)
        return " ".join(self.every_pseudonym(customer_id))

    def check(self, *, environment: str, others: Iterable[str] = ()) -> None:
        """Refuse weak keys outside dev, and any key reused from another secret."""
        reused = {other.encode() for other in others if other}
        for name, key in self.versions:
            check_secret(key.decode(), environment=environment, name="PSEUDONYM_KEY")
            if key in reused:
                raise WeakSecretError(f"pseudonym key {name} must not reuse another secret")


def pseudonymise_body(raw: bytes, keys: PseudonymKeys) -> bytes:
    """A prediction body (single or batch) with every `customer_id` replaced; cheap without one.

    JSON may spell a key with escapes (`"customer\\u005fid"`), so a body is parsed whenever it
    holds the plain name or any backslash; otherwise no customer id can be in it.
    """
    if b"customer_id" not in raw and b"\\" not in raw:
        return raw
    body = from_json(raw)
    # A list, not a generator: any() would stop at the first replacement.
    replaced = [_replace(item, keys) for item in _instances(body)]
    if not any(replaced):
        return raw
    return to_json(body)


def _instances(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, dict):
        instances = body.get("instances")
        if isinstance(instances, list):
            yield from (item for item in instances if isinstance(item, dict))
        else:
            yield body


def _replace(instance: dict[str, Any], keys: PseudonymKeys) -> bool:
    customer_id = instance.get("customer_id")
    if not isinstance(customer_id, str):
        return False
    instance["customer_id"] = keys.forwarded(customer_id)
    return True
