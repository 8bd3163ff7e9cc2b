//! Which addresses an image fetch may reach: no loopback, private, link-local, multicast,
//! unspecified or reserved address, IPv4 or IPv6 (v4-mapped and -translated, NAT64 with its
//! local-use range, 6to4 and its relays, Teredo included).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` may not be fetched, if it may not.
pub fn forbidden_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("回环地址")
    } else if ip.is_private() {
        Some("内网地址")
    } else if ip.is_link_local() {
        Some("链路本地地址（含云元数据 169.254.169.254）")
    } else if ip.is_multicast() {
        Some("组播地址")
    } else if ip.is_unspecified() || a == 0 {
        Some("未指定地址")
    } else if ip.is_broadcast() || a >= 240 {
        Some("保留地址")
    } else if a == 100 && (64..128).contains(&b) {
        Some("运营商内网地址")
    } else if (a == 192 && b == 0 && c == 0) || (a == 198 && (b == 18 || b == 19)) {
        Some("保留地址")
    } else if a == 192 && b == 88 && c == 99 {
        Some("6to4 中继地址")
    } else if (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        Some("文档示例地址")
    } else {
        None
    }
}

fn v4_of(high: u16, low: u16) -> Ipv4Addr {
    Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let seg = ip.segments();
    if ip.is_loopback() {
        Some("回环地址")
    } else if ip.is_unspecified() {
        Some("未指定地址")
    } else if ip.is_multicast() {
        Some("组播地址")
    } else if seg[0] & 0xfe00 == 0xfc00 {
        Some("内网地址")
    } else if seg[0] & 0xffc0 == 0xfe80 || seg[0] & 0xffc0 == 0xfec0 {
        Some("链路本地地址")
    } else if seg[0..5] == [0, 0, 0, 0, 0xffff] {
        // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765) and the rest of ::ffff:0:0/96.
        forbidden_v4(v4_of(seg[6], seg[7])).or(Some("IPv4 转换地址"))
    } else if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2] == 1 {
        Some("本地 NAT64 地址")
    } else if seg[0] == 0x2001 && seg[1] == 0 {
        Some("Teredo 隧道地址")
    } else if seg[0] == 0x64 && seg[1] == 0xff9b {
        // NAT64: the IPv4 address is in the last 32 bits.
        forbidden_v4(v4_of(seg[6], seg[7]))
    } else if seg[0] == 0x2002 {
        // 6to4 carries an IPv4 address in bits 16..48.
        forbidden_v4(v4_of(seg[1], seg[2]))
    } else if seg[0..6] == [0, 0, 0, 0, 0, 0] {
        Some("保留地址")
    } else {
        None
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn tunnel_and_translation_ranges_are_refused() {
        for text in [
            "::ffff:0:7f00:1",
            "::ffff:0:808:808",
            "64:ff9b:1::808:808",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "192.88.99.1",
            "::ffff:192.168.1.1",
            "203.0.113.5",
        ] {
            let ip: IpAddr = text.parse().expect(text);
            assert!(forbidden_address(ip).is_some(), "{text} must be refused");
        }
        for text in [
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2001:db9::1",
        ] {
            let ip: IpAddr = text.parse().expect(text);
            assert_eq!(forbidden_address(ip), None, "{text} is public");
        }
    }
}
