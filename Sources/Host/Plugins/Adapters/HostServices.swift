import Glibc
import JSONCore
import PluginABI

/// The `lessllm_host` table handed to every plugin: one static table whose functions route to the right
/// instance or stream context. Every function tolerates NULL and wrong arguments without crashing.
enum HostServices {
    /// The table, allocated once for the life of the process.
    nonisolated(unsafe) static let table: UnsafePointer<lessllm_host> = {
        let table = UnsafeMutablePointer<lessllm_host>.allocate(capacity: 1)
        table.initialize(to: lessllm_host(
            size: UInt32(MemoryLayout<lessllm_host>.size),
            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
            log: { instance, level, message in
                InstanceContext.from(instance)?.log(level: level, message: message.copiedString)
            },
            respond: { stream, status, headers, count in
                guard let context = PluginStreamContext.from(stream), (100...599).contains(status) else {
                    return LESSLLM_E_BAD_ARGUMENT
                }
                return context.respond(status: status, headers: UnsafeBufferPointer(start: headers, count: count))
            },
            emit: { stream, event in
                guard let context = PluginStreamContext.from(stream), let event,
                      StructHead(UnsafeRawPointer(event)).size >= MemoryLayout<lessllm_event>.size
                else { return LESSLLM_E_BAD_ARGUMENT }
                return context.emit(event)
            },
            fail: { stream, status, message in
                guard let context = PluginStreamContext.from(stream) else { return LESSLLM_E_BAD_ARGUMENT }
                return context.fail(status: status, message: message.copiedString)
            },
            http_start: { stream, request in
                guard let context = PluginStreamContext.from(stream), let request,
                      let copied = UpstreamRequest(copying: request)
                else { return LESSLLM_E_BAD_ARGUMENT }
                return context.httpStart(copied)
            },
            http_cancel: { stream in
                PluginStreamContext.from(stream)?.httpCancel()
            },
            now_ns: { MonotonicClock.nanoseconds() },
            json_find: { json, path, out in HostServices.jsonFind(json, path, out) },
            json_decode_string: { literal, out, capacity, outLength in
                HostServices.jsonDecodeString(literal, out, capacity, outLength)
            },
            json_encode_string: { text, out, capacity, outLength in
                HostServices.jsonEncodeString(text, out, capacity, outLength)
            }))
        return UnsafePointer(table)
    }()

    // MARK: - JSON helpers for C plugins

    private static func jsonFind(
        _ json: lessllm_bytes, _ path: lessllm_bytes, _ out: UnsafeMutablePointer<lessllm_bytes>?
    ) -> lessllm_status {
        guard let out else { return LESSLLM_E_BAD_ARGUMENT }
        do {
            guard let range = try JSONScanner.find(path: path.copiedString, in: json.buffer) else {
                return LESSLLM_E_NOT_FOUND
            }
            out.pointee = lessllm_bytes(ptr: json.ptr.map { $0 + range.lowerBound }, len: range.count)
            return LESSLLM_OK
        } catch {
            return LESSLLM_E_INVALID_REQUEST
        }
    }

    private static func jsonDecodeString(
        _ literal: lessllm_bytes, _ out: UnsafeMutablePointer<UInt8>?, _ capacity: Int,
        _ outLength: UnsafeMutablePointer<Int>?
    ) -> lessllm_status {
        var decoded: [UInt8] = []
        do {
            try JSONScanner.decodeString(literal.buffer, into: &decoded)
        } catch {
            return LESSLLM_E_INVALID_REQUEST
        }
        return copyOut(decoded, out, capacity, outLength)
    }

    private static func jsonEncodeString(
        _ text: lessllm_bytes, _ out: UnsafeMutablePointer<UInt8>?, _ capacity: Int,
        _ outLength: UnsafeMutablePointer<Int>?
    ) -> lessllm_status {
        var encoded: [UInt8] = []
        JSONString.encode(utf8: text.buffer, into: &encoded)
        return copyOut(encoded, out, capacity, outLength)
    }

    /// Writes `bytes` into the caller's buffer, always reporting the needed length.
    private static func copyOut(
        _ bytes: [UInt8], _ out: UnsafeMutablePointer<UInt8>?, _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?
    ) -> lessllm_status {
        outLength?.pointee = bytes.count
        guard bytes.count <= capacity else { return LESSLLM_E_BAD_ARGUMENT }
        guard let out else { return bytes.isEmpty ? LESSLLM_OK : LESSLLM_E_BAD_ARGUMENT }
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: bytes.count) }
        return LESSLLM_OK
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
