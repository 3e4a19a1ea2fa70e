"""The crawler's address guard: private, loopback, link-local and metadata targets are refused."""

from __future__ import annotations

import pytest

from spamscalpel.site.safety import UnsafeAddressError, address_problem, check_url, host_problem


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "10.255.1.1",
        "172.16.3.4",
        "192.168.1.20",
        "169.254.169.254",  # cloud metadata
        "169.254.10.10",  # link-local
        "100.100.100.200",  # Alibaba metadata, in carrier-grade NAT space
        "100.64.1.1",
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",  # AWS metadata over IPv6
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 form of 10.0.0.1
        "2002:c0a8:101::1",  # 6to4 form of 192.168.1.1
    ],
)
def test_refuses_non_public_addresses(address):
    assert address_problem(address) is not None
    with pytest.raises(UnsafeAddressError, match="allow-private"):
        check_url(f"http://{'[' + address + ']' if ':' in address else address}:8080/x")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "2001:4860::8888"]
)
def test_allows_public_addresses(address):
    assert address_problem(address) is None
    host = f"[{address}]" if ":" in address else address
    target = check_url(f"https://{host}/page")
    assert target.addresses == (address,)


@pytest.mark.parametrize(
    "host", ["metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "localhost", "app.localhost"]
)
def test_refuses_metadata_and_local_names_before_dns(host):
    assert host_problem(host)
    with pytest.raises(UnsafeAddressError):
        check_url(f"http://{host}/computeMetadata/v1/")


def test_redirect_target_is_checked_like_any_url():
    # A public site answering "302 Location: http://127.0.0.1/admin": the crawler runs the guard on
    # every hop, so the second hop is refused even though the first was fine.
    check_url("http://93.184.215.14/start")
    with pytest.raises(UnsafeAddressError, match="loopback"):
        check_url("http://127.0.0.1/admin")
    with pytest.raises(UnsafeAddressError, match="metadata"):
        check_url("http://169.254.169.254/latest/meta-data/")


def test_allow_private_permits_local_addresses():
    assert check_url("http://127.0.0.1:9/", allow_private=True).addresses == ("127.0.0.1",)
    assert check_url("http://localhost:9/", allow_private=True).addresses


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://8.8.8.8/", "gopher://8.8.8.8/", "http:///nohost"]
)
def test_refuses_other_schemes_and_missing_hosts(url):
    with pytest.raises(UnsafeAddressError):
        check_url(url, allow_private=True)
