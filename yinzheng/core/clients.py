"""Who is asking: the client's address, as every rate limit and the login throttling
count it (issue 13).

The connecting address (REMOTE_ADDR) is the client, unless it is one of the reverse
proxies named in settings.TRUSTED_PROXIES (YINZHENG_TRUSTED_PROXIES). Such a proxy appends
the address it saw to X-Forwarded-For, after whatever the client itself wrote there; so the
header is read from the right, past every trusted proxy, and the first address no trusted
proxy owns is the client. Anything left of it was written by the client and is never
believed. From an untrusted address the header is ignored altogether.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address ("" when the server was given none)."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        if not hop.strip():
            continue
        address = _parse(hop)
        if address is None:
            # Not written by a proxy we trust (they write addresses): stop at the last
            # hop that was, rather than key on text anybody could choose.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
