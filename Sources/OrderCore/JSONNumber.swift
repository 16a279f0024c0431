/// Canonical text of JSON numbers, so that equal values compare equal as text.
///
/// The value is digits × 10^exponent with no leading or trailing zeros in the digits; it is written
/// like ECMAScript writes numbers (plain up to 21 integer digits, scientific beyond or below 1e-6),
/// but from the exact decimal digits, never through a binary double.
package enum JSONNumber {
    /// Exponents beyond this are refused: no order field needs them, and they would make padding unbounded.
    static let maxExponentDigits = 9

    /// Canonical text of the number whose parts are given; `nil` when the exponent is out of range.
    static func canonical(negative: Bool, integer: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>, exponent: Int)
        -> String
    {
        var digits = [UInt8]()
        digits.reserveCapacity(integer.count + fraction.count)
        digits.append(contentsOf: integer)
        digits.append(contentsOf: fraction)
        var exp = exponent - fraction.count
        // Strip leading zeros, then trailing zeros (each one raises the exponent).
        var start = 0
        while start < digits.count && digits[start] == UInt8(ascii: "0") { start += 1 }
        var end = digits.count
        while end > start && digits[end - 1] == UInt8(ascii: "0") {
            end -= 1
            exp += 1
        }
        if start == end { return "0" }
        let significant = digits[start..<end]
        let count = significant.count
        let point = count + exp  // digits before the decimal point
        var out = [UInt8]()
        out.reserveCapacity(count + 24)
        if negative { out.append(UInt8(ascii: "-")) }
        if exp >= 0 && point <= 21 {
            out.append(contentsOf: significant)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exp))
        } else if exp < 0 && point > 0 {
            out.append(contentsOf: significant.prefix(point))
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: significant.dropFirst(point))
        } else if exp < 0 && point > -6 {
            out.append(contentsOf: Array("0.".utf8))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            out.append(contentsOf: significant)
        } else {
            out.append(significant[significant.startIndex])
            if count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: significant.dropFirst())
            }
            let scientific = point - 1
            out.append(UInt8(ascii: "e"))
            out.append(UInt8(ascii: scientific >= 0 ? "+" : "-"))
            out.append(contentsOf: Array(String(abs(scientific)).utf8))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The plain decimal digits of canonical text `text` when it is an integer (`1.5e+22` →
    /// `15000000000000000000000`); nil for fractions. Integers longer than 400 digits also give nil.
    package static func integerText(_ text: String) -> String? {
        let parts = text.split(separator: "e", maxSplits: 1)
        guard parts.count == 2 else { return text.contains(".") ? nil : text }
        guard parts[1].hasPrefix("+"), let exponent = Int(parts[1].dropFirst()), exponent <= 400 else { return nil }
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        let fraction = mantissa.count == 2 ? mantissa[1] : ""
        guard fraction.count <= exponent else { return nil }
        return String(mantissa[0]) + fraction + String(repeating: "0", count: exponent - fraction.count)
    }
}
