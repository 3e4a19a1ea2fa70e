"""Where the crawler may connect: refuses private, loopback, link-local and cloud-metadata targets.

A site under scan is untrusted: its links and redirects may point at the scanning machine's own
network (SSRF). Every host is resolved first, every resolved address is checked, and the request
then goes to the very address that passed (so a second DNS answer cannot swap in a private one).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Hosts that name a cloud instance-metadata service; refused by name before any DNS lookup.
METADATA_HOSTS: frozenset[str] = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
        "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    }
)

# Metadata addresses, some of which sit in ranges Python does not call private (100.100.100.200).
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)

# Carrier-grade NAT space is not "private" to Python but is never a public web site.
_SHARED_NET = ipaddress.ip_network("100.64.0.0/10")


class UnsafeAddressError(ValueError):
    """A URL or address the crawler refuses to connect to."""


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """A host that passed the guard, with the addresses it resolved to (in the order to try)."""

    host: str
    port: int
    addresses: tuple[str, ...]


def address_problem(address: str | IPAddress) -> str | None:
    """Why an IP address is off limits for crawling, or None when it is a public address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    # An IPv6 form that carries an IPv4 address is judged by the IPv4 address inside it.
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            why = address_problem(inner)
            return f"{why} (inside {ip})" if why else None
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    checks = (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    )
    for attr, name in checks:
        if getattr(ip, attr):
            return f"{ip} is a {name} address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_NET:
        return f"{ip} is a shared (carrier-grade NAT) address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return f"{ip} is a site-local address"
    if not ip.is_global:
        return f"{ip} is not a globally routable address"
    return None


def host_problem(host: str) -> str | None:
    """Why a host name is refused before resolution (metadata names, local names), or None."""
    name = host.strip("[]").rstrip(".").lower()
    if name in METADATA_HOSTS:
        return f"{name} is a cloud metadata host"
    if name == "localhost" or name.endswith(".localhost"):
        return f"{name} is a loopback name"
    return None


def resolve(host: str, port: int) -> tuple[str, ...]:
    """All addresses a host resolves to (an IP literal resolves to itself)."""
    name = host.strip("[]")
    try:
        return (str(ipaddress.ip_address(name)),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeAddressError(f"cannot resolve {name!r}: {exc.strerror or exc}") from exc
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if addr not in seen:
            seen.append(addr)
    return tuple(seen)


def check_url(url: str, allow_private: bool = False) -> ResolvedTarget:
    """Resolve a URL's host and refuse it if any address is unsafe; returns the checked addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddressError(
            f"{url}: only http and https URLs are crawled, not {parts.scheme or 'none'!r}"
        )
    host = parts.hostname
    if not host:
        raise UnsafeAddressError(f"{url}: no host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeAddressError(f"{url}: bad port ({exc})") from exc
    if not allow_private:
        why = host_problem(host)
        if why:
            raise UnsafeAddressError(f"{url}: refused, {why} (use --allow-private to permit)")
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeAddressError(f"{url}: {host!r} resolved to no address")
    if not allow_private:
        # Every answer must be safe: a mixed answer is exactly what a rebinding attack serves.
        for addr in addresses:
            why = address_problem(addr)
            if why:
                where = why if addr == host.strip("[]") else f"{host} resolves to {addr}, and {why}"
                raise UnsafeAddressError(f"{url}: refused, {where} (use --allow-private to permit)")
    return ResolvedTarget(host=host, port=port, addresses=addresses)
