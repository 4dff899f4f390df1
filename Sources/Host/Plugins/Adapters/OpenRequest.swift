import PluginABI

/// What the host opens a plugin stream with, owned by Swift and lent to the plugin as `lessllm_open_args`.
struct OpenRequest: Sendable {
    var op: String
    var body: [UInt8]
    var model: String = ""
    var headers: [(String, String)] = []
    var exchangeID: String = ""
    var isStream: Bool = false
    /// sink:log: where each record's fields lie in `body`, `LESSLLM_RECORD_FIELD_COUNT` per record (ABI 1.1
    /// `record_fields`); empty for other ops.
    var recordFields: [Range<Int>?] = []

    /// Lends the request as ABI arguments, valid only inside `body`.
    func withArguments<R>(_ use: (lessllm_open_args) -> R) -> R {
        withUnsafeBytesOf(op) { opBytes in
            withUnsafeBytesOf(model) { modelBytes in
                withUnsafeBytesOf(exchangeID) { idBytes in
                    body.withUnsafeBufferPointer { bodyBuffer in
                        HeaderList.withBorrowed(headers) { headerBuffer in
                            let none = lessllm_bytes(ptr: nil, len: 0)
                            let fields = recordFields.map { $0.map(bodyBuffer.slice) ?? none }
                            return fields.withUnsafeBufferPointer { fieldBuffer in
                                let fieldCount = Int(LESSLLM_RECORD_FIELD_COUNT)
                                return use(lessllm_open_args(
                                    size: UInt32(MemoryLayout<lessllm_open_args>.size),
                                    abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
                                    flags: isStream ? UInt32(LESSLLM_OPEN_STREAM) : 0, reserved: 0,
                                    op: opBytes,
                                    body: lessllm_bytes(ptr: bodyBuffer.baseAddress, len: bodyBuffer.count),
                                    model: modelBytes,
                                    headers: headerBuffer.baseAddress, header_count: headerBuffer.count,
                                    exchange_id: idBytes,
                                    record_fields: fields.isEmpty ? nil : fieldBuffer.baseAddress,
                                    record_count: fields.count / fieldCount,
                                    record_field_count: fields.isEmpty ? 0 : fieldCount))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An upstream HTTP request a provider asked for, copied out of `lessllm_http_request`.
struct UpstreamRequest: Sendable {
    var method: String
    var url: String
    var headers: [(String, String)]
    var body: [UInt8]

    /// Copies a plugin's request; nil when it is malformed (too small, no URL).
    init?(copying pointer: UnsafePointer<lessllm_http_request>) {
        let head = StructHead(UnsafeRawPointer(pointer))
        guard head.major == Int(LESSLLM_ABI_MAJOR), head.size >= MemoryLayout<lessllm_http_request>.size else {
            return nil
        }
        let raw = pointer.pointee
        method = raw.method.len == 0 ? "POST" : raw.method.copiedString
        url = raw.url.copiedString
        headers = HeaderList.copy(raw.headers, count: raw.header_count)
        body = raw.body.copiedArray
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
    }

    init(method: String, url: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Conversions between Swift header lists and the ABI's `lessllm_header` arrays.
enum HeaderList {
    /// Copies a plugin's header array.
    static func copy(_ headers: UnsafePointer<lessllm_header>?, count: Int) -> [(String, String)] {
        guard let headers, count > 0 else { return [] }
        return UnsafeBufferPointer(start: headers, count: count).map { ($0.name.copiedString, $0.value.copiedString) }
    }

    /// Lends `headers` as a `lessllm_header` array, valid only inside `body`.
    static func withBorrowed<R>(_ headers: [(String, String)], _ body: (UnsafeBufferPointer<lessllm_header>) -> R) -> R {
        // Sized once: growing the buffer header by header copied it several times per request.
        var storage: [UInt8] = []
        storage.reserveCapacity(headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
        var spans: [(name: Range<Int>, value: Range<Int>)] = []
        spans.reserveCapacity(headers.count)
        for (name, value) in headers {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            spans.append((nameStart..<valueStart, valueStart..<storage.count))
        }
        return storage.withUnsafeBufferPointer { bytes in
            let list = spans.map { span in
                lessllm_header(name: bytes.slice(span.name), value: bytes.slice(span.value))
            }
            return list.withUnsafeBufferPointer(body)
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes in `range` as borrowed ABI bytes.
    func slice(_ range: Range<Int>) -> lessllm_bytes {
        lessllm_bytes(ptr: baseAddress.map { $0 + range.lowerBound }, len: range.count)
    }
}

extension lessllm_bytes {
    /// A view of the borrowed bytes.
    var buffer: UnsafeRawBufferPointer {
        guard let ptr, len > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: ptr, count: len)
    }

    /// A copy decoded as UTF-8.
    var copiedString: String { String(decoding: buffer, as: UTF8.self) }

    /// A copy as an array.
    var copiedArray: [UInt8] { Array(buffer) }
}
