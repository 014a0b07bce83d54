import Foundation
import Testing
import Vault

/// IP allowlist ranges (SPEC §2): IPv4 and IPv6 CIDRs in one 128-bit space.
@Suite struct AddressRangeTests {
    @Test func parsesAndNormalises() throws {
        let cases: [(String, String)] = [
            ("203.0.113.0/24", "203.0.113.0/24"), ("203.0.113.77/24", "203.0.113.0/24"), ("10.1.2.3", "10.1.2.3/32"),
            ("0.0.0.0/0", "0.0.0.0/0"), ("2001:db8::/32", "2001:db8::/32"), ("2001:DB8:0:0:1::/48", "2001:db8::/48"),
            ("::1", "::1/128"), ("::/0", "::/0"), ("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104"), ("10.0.0.0/08", "10.0.0.0/8"),
        ]
        for (text, canonical) in cases {
            #expect(AddressRange(text)?.description == canonical, "\(text)")
        }
    }

    @Test func refusesWhatIsNotARange() {
        for text in ["", "abc", "1.2.3", "1.2.3.4.5", "256.1.1.1", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "/8",
                     "::/129", "2001:db8::/1a", "fe80::1%eth0", "10.0.0.0/8/8", " 10.0.0.1", "10.0.0.1\u{0}", "١٠.0.0.0/8", "10.0.0.0/٨"] {
            #expect(AddressRange(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func containsItsAddressesAndNoOthers() throws {
        let v4 = try #require(AddressRange("203.0.113.0/24"))
        #expect(v4.contains("203.0.113.0") && v4.contains("203.0.113.255"))
        #expect(v4.contains("::ffff:203.0.113.9"), "an IPv4 client on a dual-stack socket")
        #expect(!v4.contains("203.0.114.0") && !v4.contains("203.0.112.255") && !v4.contains("2001:db8::1") && !v4.contains("nonsense"))
        let v6 = try #require(AddressRange("2001:db8:abcd::/48"))
        #expect(v6.contains("2001:db8:abcd:ffff::1") && !v6.contains("2001:db8:abce::1") && !v6.contains("203.0.113.9"))
        let mapped = try #require(AddressRange("::ffff:127.0.0.0/104"))
        #expect(mapped.contains("127.0.0.1") && !mapped.contains("128.0.0.1"))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains("8.8.8.8"))
        #expect(!(try #require(AddressRange("0.0.0.0/0")).contains("2001:db8::1")), "IPv4's everything is not IPv6's")
        #expect(try #require(AddressRange("::/0")).contains("8.8.8.8"))
        let odd = try #require(AddressRange("10.0.0.0/9"))
        #expect(odd.contains("10.127.255.255") && !odd.contains("10.128.0.0"))
        let deep = try #require(AddressRange("2001:db8::8000:0:0:0/65"))
        #expect(deep.contains("2001:db8:0:0:ffff::") && !deep.contains("2001:db8:0:0:7fff::"))
    }

    @Test func listsAdmitAnywhereWhenEmptyAndOnlyInsideOtherwise() throws {
        let empty: [AddressRange] = []
        #expect(empty.admit("198.51.100.1") && empty.admit(nil as String?) && empty.admit(nil as IPAddress?))
        let ranges = try AddressRange.list("203.0.113.0/24, 2001:db8::/32\n10.0.0.1").get()
        #expect(ranges.map(\.description) == ["203.0.113.0/24", "2001:db8::/32", "10.0.0.1/32"])
        #expect(ranges.admit("10.0.0.1") && ranges.admit("2001:db8::5") && !ranges.admit("10.0.0.2") && !ranges.admit(nil as String?) && !ranges.admit("bogus"))
        #expect(AddressRange.list("10.0.0.0/8 nope") == .failure(.notARange("nope")))
        #expect(try AddressRange.list("").get().isEmpty)
        let many = (0..<33).map { "10.0.\($0).0/24" }
        #expect(AddressRange.list(many) == .failure(.tooMany))
        #expect(try AddressRange.list(Array(repeating: "10.0.0.0/8", count: 40)).get().count == 1, "duplicates count once")
    }

    /// A socket's address read as one (the request path) is the address its text names.
    @Test func socketAddressesReadAsTheirText() throws {
        for text in ["203.0.113.9", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::5", "::ffff:203.0.113.9", "fe80::1:2:3:4"] {
            var four = in_addr(), six = in6_addr()
            let fromSocket = inet_pton(AF_INET, text, &four) == 1 ? IPAddress(ipv4: four)
                : inet_pton(AF_INET6, text, &six) == 1 ? IPAddress(ipv6: six) : nil
            #expect(fromSocket != nil && fromSocket == IPAddress(text), "\(text)")
        }
        let ranges = try AddressRange.list("203.0.113.0/24").get()
        var peer = in6_addr()
        #expect(inet_pton(AF_INET6, "::ffff:203.0.113.9", &peer) == 1)
        #expect(ranges.admit(IPAddress(ipv6: peer)), "an IPv4 range admits its clients on a dual-stack socket")
        #expect(IPAddress("203.0.113.9%") == nil && IPAddress("") == nil && IPAddress("1.2.3") == nil)
    }
}
