import JSONCore

/// Writes the text of an HTTP/1.1 head (request or status line, header lines, the blank line) into bytes.
///
/// Each line is one `Array.append(addingCapacity:initializingWith:)` step: one uniqueness and capacity check, and
/// one copy per piece. Appending a line's four pieces (`name`, `": "`, `value`, CRLF) with `append(contentsOf:)`
/// cost ~170 instructions a piece, ~700 a header; a request and its response carry a dozen headers between them.
///
/// Nothing is validated here: callers check header names and values with `HeaderRules` first.
struct HTTPHeadWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// `<method> <target> HTTP/1.1` and CRLF.
    mutating func requestLine(method: String, target: String) {
        var method = method
        var target = target
        method.withUTF8 { method in
            target.withUTF8 { target in
                Self.requestVersion.withUTF8Buffer { version in
                    bytes.append(addingCapacity: method.count + target.count + 1 + version.count) { out in
                        out.append(copying: method)
                        out.append(UInt8(ascii: " "))
                        out.append(copying: target)
                        out.append(copying: version)
                    }
                }
            }
        }
    }

    private static let requestVersion: StaticString = " HTTP/1.1\r\n"

    /// `HTTP/1.1 <code> <reason>` and CRLF.
    mutating func statusLine(code: Int, reason: String) {
        var reason = reason
        let code = min(max(code, 100), 999)  // three digits, as HTTP requires
        reason.withUTF8 { reason in
            Self.statusVersion.withUTF8Buffer { version in
                bytes.append(addingCapacity: version.count + 6 + reason.count) { out in
                    out.append(copying: version)
                    out.append(decimal: UInt(code), digits: 3)
                    out.append(UInt8(ascii: " "))
                    out.append(copying: reason)
                    out.append(UInt8(ascii: "\r"))
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    private static let statusVersion: StaticString = "HTTP/1.1 "

    /// `<name>: <value>` and CRLF.
    mutating func header(_ name: String, _ value: String) {
        var name = name
        var value = value
        name.withUTF8 { name in
            value.withUTF8 { value in
                bytes.append(addingCapacity: name.count + value.count + 4) { out in
                    out.append(copying: name)
                    out.append(UInt8(ascii: ":"))
                    out.append(UInt8(ascii: " "))
                    out.append(copying: value)
                    out.append(UInt8(ascii: "\r"))
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// `<name>: <decimal>` and CRLF (`content-length`; a negative number is written as 0).
    mutating func header(_ name: StaticString, decimal: Int) {
        let value = UInt(max(decimal, 0))
        let digits = OutputSpan<UInt8>.decimalDigitCount(of: value)
        name.withUTF8Buffer { name in
            bytes.append(addingCapacity: name.count + 4 + digits) { out in
                out.append(copying: name)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                out.append(decimal: value, digits: digits)
                out.append(UInt8(ascii: "\r"))
                out.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// A line written as is (with its CRLF): a fixed header, or the blank line that ends the head.
    mutating func raw(_ line: StaticString) {
        line.withUTF8Buffer { line in
            bytes.append(addingCapacity: line.count) { out in
                out.append(copying: line)
            }
        }
    }
}
