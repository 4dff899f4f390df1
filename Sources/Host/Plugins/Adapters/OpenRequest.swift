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
        // The nested closures capture these locals, not `self`: capturing the whole request copied it (every
        // field retained and released) into the closures, ~3 k instructions per request on the event loop.
        let (op, model, exchangeID, body, headers, recordFields) = (op, model, exchangeID, body, headers, recordFields)
        let flags = isStream ? UInt32(LESSLLM_OPEN_STREAM) : 0
        return withUnsafeBytesOf(op) { opBytes in
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
                                    flags: flags, reserved: 0,
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
        // The names and values are copied once into one temporary block (on the stack when small), the array of
        // `lessllm_header`s points into it: no heap allocation for a typical request's headers, where three
        // arrays (bytes, their ranges, the list) were allocated for every stream opened and every head relayed.
        let byteCount = headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(byteCount, 1)) { storage in
            withUnsafeTemporaryAllocation(of: lessllm_header.self, capacity: max(headers.count, 1)) { list in
                var written = 0
                for (index, (name, value)) in headers.enumerated() {
                    let nameBytes = copy(name, into: storage, at: &written)
                    let valueBytes = copy(value, into: storage, at: &written)
                    (list.baseAddress! + index).initialize(to: lessllm_header(name: nameBytes, value: valueBytes))
                }
                defer { list.baseAddress!.deinitialize(count: headers.count) }
                return body(UnsafeBufferPointer(start: list.baseAddress, count: headers.count))
            }
        }
    }

    /// Copies `text`'s UTF-8 into `storage` at `offset` (advanced past it), returning the copy as ABI bytes.
    private static func copy(_ text: String, into storage: UnsafeMutableBufferPointer<UInt8>,
                             at offset: inout Int) -> lessllm_bytes {
        let start = offset
        var text = text
        text.withUTF8 { utf8 in
            guard let source = utf8.baseAddress, !utf8.isEmpty else { return }
            (storage.baseAddress! + start).initialize(from: source, count: utf8.count)
            offset += utf8.count
        }
        return lessllm_bytes(ptr: UnsafePointer(storage.baseAddress! + start), len: offset - start)
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
