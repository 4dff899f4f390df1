/// A compact binary form of `ExchangeTrace`, for the journal: what the recorder could not queue in memory is
/// written this way and read back later, so a spilled exchange becomes exactly the record it would have been.
enum TraceCodec {
    /// Version of the layout; bump when fields change (old journals are then skipped with a warning).
    static let version: UInt8 = 1

    /// Encodes `trace`; with a redactor, secrets in headers and the upstream URL are masked as they are written (a
    /// journal is a file on disk, so it must hold no more than the database will).
    static func encode(_ trace: ExchangeTrace, redactor: HeaderRedactor? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(trace, redactor: redactor, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `trace` to `buffer`. Spilling happens on an event loop while the relay is busiest:
    /// the buffer grows once, and no strings or header lists are copied on the way.
    static func encode(_ trace: ExchangeTrace, redactor: HeaderRedactor?, into buffer: inout [UInt8]) {
        var out = Writer(redactor: redactor)
        swap(&out.buffer, &buffer)  // moved in and back out: never shared, so appending copies nothing
        defer { swap(&out.buffer, &buffer) }
        out.buffer.reserveCapacity(out.buffer.count + trace.approximateBytes)
        out.byte(version)
        out.string(trace.id)
        out.u64(trace.receivedAt)
        out.u64(UInt64(bitPattern: trace.receivedAtWallMillis))
        out.string(trace.method)
        out.string(redactor?.redact(url: trace.path) ?? trace.path)
        out.string(trace.clientIP)
        out.string(trace.userAgent)
        out.headers(trace.requestHeaders)
        out.bytes(trace.requestBody)
        out.optionalString(trace.clientDialect?.rawValue)
        out.byte(trace.stream ? 1 : 0)
        out.optionalString(trace.requestedModel)
        out.optionalString(trace.provider)
        out.optionalString(trace.providerPlugin)
        out.optionalString(trace.upstreamDialect?.rawValue)
        out.optionalString(trace.upstreamModel)
        out.optionalU64(trace.upstreamStartedAt)
        out.optionalString(trace.upstreamURL.map { redactor?.redact(url: $0) ?? $0 })
        out.headers(trace.upstreamRequestHeaders)
        out.optionalBytes(trace.upstreamRequestBody)
        out.optionalU64(trace.upstreamHeadAt)
        out.optionalU64(trace.upstreamStatus.map { UInt64($0) })
        out.headers(trace.upstreamResponseHeaders)
        out.events(trace.upstreamEvents)
        out.u64s(trace.relayDelays)
        out.u64(UInt64(trace.responseStatus))
        out.headers(trace.responseHeaders)
        out.u64(UInt64(trace.responseBytes))
        out.events(trace.clientEvents)
        out.byte(trace.responseIsEventStream ? 1 : 0)
        out.u64(trace.finishedAt)
        out.u64(UInt64(UInt32(bitPattern: trace.endStatus)))
        out.optionalU64(trace.failure.map { UInt64($0.status) })
        out.optionalString(trace.failure?.message)
        out.byte(trace.clientCancelled ? 1 : 0)
    }

    /// Decodes a trace; nil when the bytes are not a trace of this version.
    static func decode(_ bytes: ArraySlice<UInt8>) -> ExchangeTrace? {
        var input = Reader(bytes: bytes)
        guard input.byte() == version else { return nil }
        guard let id = input.string(), let receivedAt = input.u64(), let wall = input.u64(),
              let method = input.string(), let path = input.string(), let ip = input.string(),
              let agent = input.string(), let headers = input.headers(), let body = input.bytes(),
              let dialect = input.optionalString()
        else { return nil }
        let trace = ExchangeTrace(
            id: id, receivedAt: receivedAt, wallMillis: Int64(bitPattern: wall), method: method, path: path,
            clientIP: ip, userAgent: agent, requestHeaders: headers, requestBody: body,
            clientDialect: dialect.flatMap(Dialect.init(rawValue:)))
        guard let stream = input.byte(), let requested = input.optionalString(), let provider = input.optionalString(),
              let plugin = input.optionalString(), let upstreamDialect = input.optionalString(),
              let upstreamModel = input.optionalString(), let started = input.optionalU64(),
              let url = input.optionalString(), let upstreamRequestHeaders = input.headers(),
              let upstreamBody = input.optionalBytes(), let headAt = input.optionalU64(),
              let upstreamStatus = input.optionalU64(), let upstreamResponseHeaders = input.headers(),
              let upstreamEvents = input.events(), let relay = input.u64s(), let status = input.u64(),
              let responseHeaders = input.headers(), let responseBytes = input.u64(), let clientEvents = input.events(),
              let isEventStream = input.byte(), let finished = input.u64(), let end = input.u64(),
              let failureStatus = input.optionalU64(), let failureMessage = input.optionalString(),
              let cancelled = input.byte()
        else { return nil }
        trace.stream = stream == 1
        trace.requestedModel = requested ?? nil
        trace.provider = provider ?? nil
        trace.providerPlugin = plugin ?? nil
        trace.upstreamDialect = (upstreamDialect ?? nil).flatMap(Dialect.init(rawValue:))
        trace.upstreamModel = upstreamModel ?? nil
        trace.upstreamStartedAt = started ?? nil
        trace.upstreamURL = url ?? nil
        trace.upstreamRequestHeaders = upstreamRequestHeaders
        trace.upstreamRequestBody = upstreamBody ?? nil
        trace.upstreamHeadAt = headAt ?? nil
        trace.upstreamStatus = (upstreamStatus ?? nil).map { Int($0) }
        trace.upstreamResponseHeaders = upstreamResponseHeaders
        trace.upstreamEvents = upstreamEvents
        trace.relayDelays = relay
        trace.responseStatus = Int(status)
        trace.responseHeaders = responseHeaders
        trace.responseBytes = Int(responseBytes)
        trace.clientEvents = clientEvents
        trace.responseIsEventStream = isEventStream == 1
        trace.finishedAt = finished
        trace.endStatus = Int32(bitPattern: UInt32(truncatingIfNeeded: end))
        if let failureStatus = failureStatus ?? nil {
            trace.failure = GatewayError.restored(status: Int(failureStatus), message: (failureMessage ?? nil) ?? "")
        }
        trace.clientCancelled = cancelled == 1
        return trace
    }

    // MARK: - Primitives

    private struct Writer {
        var buffer: [UInt8] = []
        let redactor: HeaderRedactor?

        init(redactor: HeaderRedactor?) {
            self.redactor = redactor
        }

        mutating func byte(_ value: UInt8) { buffer.append(value) }
        mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
        mutating func bytes(_ value: some Collection<UInt8>) {
            u64(UInt64(value.count))
            buffer.append(contentsOf: value)
        }
        mutating func string(_ value: String) { bytes(value.utf8) }
        mutating func optionalString(_ value: String?) {
            byte(value == nil ? 0 : 1)
            if let value { string(value) }
        }
        mutating func optionalBytes(_ value: [UInt8]?) {
            byte(value == nil ? 0 : 1)
            if let value { bytes(value) }
        }
        mutating func optionalU64(_ value: UInt64?) {
            byte(value == nil ? 0 : 1)
            if let value { u64(value) }
        }
        mutating func u64s(_ values: [UInt64]) {
            u64(UInt64(values.count))
            values.forEach { u64($0) }
        }
        mutating func headers(_ list: [(String, String)]) {
            u64(UInt64(list.count))
            for (name, value) in list {
                string(name)
                string(redactor?.isSecret(name) == true ? HeaderRedactor.mask : value)
            }
        }
        mutating func events(_ log: EventLog) {
            bytes(log.bytes)
            u64(UInt64(log.entries.count))
            for entry in log.entries {
                u64(entry.at)
                u64(UInt64(entry.typeRange.lowerBound))
                u64(UInt64(entry.typeRange.upperBound))
                u64(UInt64(entry.dataRange.upperBound))
            }
        }
    }

    private struct Reader {
        let input: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            input = bytes
            position = bytes.startIndex
        }

        mutating func byte() -> UInt8? {
            guard position < input.endIndex else { return nil }
            defer { position += 1 }
            return input[position]
        }
        mutating func u64() -> UInt64? {
            guard input.endIndex - position >= 8 else { return nil }
            var value: UInt64 = 0
            for offset in (0..<8).reversed() { value = value << 8 | UInt64(input[position + offset]) }
            position += 8
            return value
        }
        mutating func bytes() -> [UInt8]? {
            guard let count = u64(), count <= UInt64(input.endIndex - position) else { return nil }
            defer { position += Int(count) }
            return Array(input[position..<position + Int(count)])
        }
        mutating func string() -> String? { bytes().map { String(decoding: $0, as: UTF8.self) } }
        /// nil = malformed; .some(nil) = absent.
        mutating func optionalString() -> String?? {
            guard let flag = byte() else { return nil }
            return flag == 0 ? .some(nil) : string().map { .some($0) }
        }
        mutating func optionalBytes() -> [UInt8]?? {
            guard let flag = byte() else { return nil }
            return flag == 0 ? .some(nil) : bytes().map { .some($0) }
        }
        mutating func optionalU64() -> UInt64?? {
            guard let flag = byte() else { return nil }
            return flag == 0 ? .some(nil) : u64().map { .some($0) }
        }
        mutating func u64s() -> [UInt64]? {
            guard let count = u64(), count <= UInt64(input.endIndex - position) / 8 else { return nil }
            var values: [UInt64] = []
            for _ in 0..<count { guard let value = u64() else { return nil }; values.append(value) }
            return values
        }
        mutating func headers() -> [(String, String)]? {
            guard let count = u64(), count <= UInt64(input.endIndex - position) else { return nil }
            var list: [(String, String)] = []
            for _ in 0..<count {
                guard let name = string(), let value = string() else { return nil }
                list.append((name, value))
            }
            return list
        }
        mutating func events() -> EventLog? {
            guard let data = bytes(), let count = u64(), count <= UInt64(input.endIndex - position) / 32 else { return nil }
            var entries: [(UInt64, Range<Int>, Range<Int>)] = []
            for _ in 0..<count {
                guard let at = u64(), let typeStart = u64(), let typeEnd = u64(), let dataEnd = u64(),
                      typeStart <= typeEnd, typeEnd <= dataEnd, dataEnd <= UInt64(data.count)
                else { return nil }
                entries.append((at, Int(typeStart)..<Int(typeEnd), Int(typeEnd)..<Int(dataEnd)))
            }
            return EventLog(bytes: data, entries: entries.map { EventLog.Entry(at: $0.0, typeRange: $0.1, dataRange: $0.2) })
        }
    }
}
