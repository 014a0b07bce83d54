/// A QR code (ISO/IEC 18004) of a short text, for the TOTP enrolment's `otpauth://` URI (SPEC
/// §10): byte mode, error correction level M, versions 1 to 10 (up to 213 bytes), the mask with
/// the lowest penalty. Drawn as inline SVG by ``svg(title:)`` — no script, no image file.
struct QRCode: Sendable {
    /// `size × size` modules, row by row; `true` is dark.
    let size: Int
    private(set) var modules: [Bool]
    private var isFunction: [Bool]
    let version: Int

    /// Error-correction blocks per version at level M: (codewords of EC per block, data
    /// codewords of each block).
    private static let blocks: [(ec: Int, data: [Int])] = [
        (10, [16]), (16, [28]), (26, [44]), (18, [32, 32]), (24, [43, 43]),
        (16, [27, 27, 27, 27]), (18, [31, 31, 31, 31]), (22, [38, 38, 39, 39]),
        (22, [36, 36, 36, 37, 37]), (26, [43, 43, 43, 43, 44]),
    ]
    private static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    /// The code of `text`; `nil` when it is longer than version 10 holds.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let version = (1...10).first(where: { Self.capacityBits($0) >= 4 + ($0 < 10 ? 8 : 16) + 8 * bytes.count }) else { return nil }
        self.version = version
        size = 17 + 4 * version
        modules = Array(repeating: false, count: size * size)
        isFunction = modules
        drawFunctionPatterns()
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        drawCodewords(codewords)
        var best: (penalty: Int, mask: Int) = (Int.max, 0)
        for mask in 0..<8 {
            var candidate = self
            candidate.apply(mask: mask)
            candidate.drawFormat(mask: mask)
            let penalty = candidate.penalty()
            if penalty < best.penalty { best = (penalty, mask) }
        }
        apply(mask: best.mask)
        drawFormat(mask: best.mask)
    }

    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    private static func capacityBits(_ version: Int) -> Int { blocks[version - 1].data.reduce(0, +) * 8 }

    // MARK: Data

    /// Mode, count, the bytes, terminator and padding: the data codewords.
    private static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for shift in stride(from: count - 1, through: 0, by: -1) { bits.append(value >> shift & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = capacityBits(version)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacity {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// The data split into blocks, each with its Reed–Solomon codewords, interleaved.
    private static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let (ecCount, sizes) = blocks[version - 1]
        let divisor = ReedSolomon.divisor(degree: ecCount)
        var offset = 0
        var dataBlocks: [[UInt8]] = [], ecBlocks: [[UInt8]] = []
        for count in sizes {
            let block = Array(data[offset..<(offset + count)])
            offset += count
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(block, divisor))
        }
        var result: [UInt8] = []
        for index in 0..<(sizes.max() ?? 0) { for block in dataBlocks where index < block.count { result.append(block[index]) } }
        for index in 0..<ecCount { for block in ecBlocks { result.append(block[index]) } }
        return result
    }

    // MARK: Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(x, y, distance != 2 && distance != 4)
                }
            }
        }
        let centres = Self.alignment[version - 1]
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                let nearFinder = (i == 0 && j == 0) || (i == 0 && j == centres.count - 1) || (i == centres.count - 1 && j == 0)
                guard !nearFinder else { continue }
                for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormat(mask: 0)  // reserves the format areas; drawn again with the chosen mask
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = bits >> i & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    /// The format information: level M (`00`) and `mask`, BCH-coded, in both places; and the
    /// dark module.
    private mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { bits >> i & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// Places the codewords in the zigzag order, skipping function modules.
    private mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y * size + x], index < codewords.count * 8 else { continue }
                    modules[y * size + x] = codewords[index >> 3] >> (7 - index & 7) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    private mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let invert: Bool = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y * size + x].toggle() }
            }
        }
    }

    /// The penalty of ISO/IEC 18004 §7.8.3: runs, 2×2 blocks, finder-like patterns, balance.
    private func penalty() -> Int {
        var total = 0
        func lines(_ line: (Int) -> [Bool]) {
            for i in 0..<size {
                let row = line(i)
                var run = 1
                for k in 1..<size {
                    if row[k] == row[k - 1] { run += 1 } else { if run >= 5 { total += run - 2 }; run = 1 }
                }
                if run >= 5 { total += run - 2 }
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                for k in 0...(size - 7) where Array(row[k..<(k + 7)]) == pattern {
                    let before = k >= 4 && row[(k - 4)..<k].allSatisfy { !$0 }
                    let after = k + 11 <= size && row[(k + 7)..<(k + 11)].allSatisfy { !$0 }
                    if before || after { total += 40 }
                }
            }
        }
        lines { y in (0..<size).map { self[$0, y] } }
        lines { x in (0..<size).map { self[x, $0] } }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = self[x, y]
                if c == self[x + 1, y], c == self[x, y + 1], c == self[x + 1, y + 1] { total += 3 }
            }
        }
        let dark = modules.filter { $0 }.count
        total += abs(dark * 20 - size * size * 10) / (size * size) * 10
        return total
    }

    /// The code as an SVG image with a quiet zone of four modules: one path of the dark ones.
    func svg(title: String) -> Markup {
        var path = ""
        for y in 0..<size { for x in 0..<size where self[x, y] { path += "M\(x + 4) \(y + 4)h1v1h-1z" } }
        let side = size + 8
        return Markup(escaped: #"<svg class="qr" role="img" viewBox="0 0 \#(side) \#(side)" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">"#
            + "<title>\(HTML.escape(title))</title>"
            + #"<rect width="\#(side)" height="\#(side)" fill="white"/><path fill="black" d="\#(path)"/></svg>"#)
    }
}

/// Reed–Solomon over GF(2⁸) with the QR polynomial `x⁸ + x⁴ + x³ + x² + 1`.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= (Int(y) >> bit & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial of `degree`, highest coefficient (always 1) dropped.
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
