import Foundation
import PluginABI
import Testing

/// Pins the binary layout of ABI 1.1: a change here breaks every compiled plugin, so it must be deliberate
/// (a new major) or an append (a new minor, with these numbers left as they are). 1.1 appended the record index to
/// `lessllm_open_args` (96 → 120 bytes); every 1.0 offset is unchanged.
@Suite("ABI 1.1 layout")
struct ABILayoutTests {
    /// The pinned layout: struct sizes and field offsets on LP64 (x86_64, arm64).
    static let pinned: [String: Int] = [
        "sizeof(lessllm_bytes)": 16, "lessllm_bytes.ptr": 0, "lessllm_bytes.len": 8,
        "sizeof(lessllm_header)": 32, "lessllm_header.name": 0, "lessllm_header.value": 16,
        "sizeof(lessllm_event)": 56, "lessllm_event.size": 0, "lessllm_event.abi_major": 4,
        "lessllm_event.abi_minor": 6, "lessllm_event.type": 8, "lessllm_event.data": 24, "lessllm_event.raw": 40,
        "sizeof(lessllm_open_args)": 120, "lessllm_open_args.size": 0, "lessllm_open_args.abi_major": 4,
        "lessllm_open_args.abi_minor": 6, "lessllm_open_args.flags": 8, "lessllm_open_args.reserved": 12,
        "lessllm_open_args.op": 16, "lessllm_open_args.body": 32, "lessllm_open_args.model": 48,
        "lessllm_open_args.headers": 64, "lessllm_open_args.header_count": 72, "lessllm_open_args.exchange_id": 80,
        "lessllm_open_args.record_fields": 96, "lessllm_open_args.record_count": 104,
        "lessllm_open_args.record_field_count": 112,
        "sizeof(lessllm_http_request)": 72, "lessllm_http_request.size": 0, "lessllm_http_request.abi_major": 4,
        "lessllm_http_request.abi_minor": 6, "lessllm_http_request.method": 8, "lessllm_http_request.url": 24,
        "lessllm_http_request.headers": 40, "lessllm_http_request.header_count": 48, "lessllm_http_request.body": 56,
        "sizeof(lessllm_host)": 88, "lessllm_host.size": 0, "lessllm_host.abi_major": 4, "lessllm_host.abi_minor": 6,
        "lessllm_host.log": 8, "lessllm_host.respond": 16, "lessllm_host.emit": 24, "lessllm_host.fail": 32,
        "lessllm_host.http_start": 40, "lessllm_host.http_cancel": 48, "lessllm_host.now_ns": 56,
        "lessllm_host.json_find": 64, "lessllm_host.json_decode_string": 72, "lessllm_host.json_encode_string": 80,
        "sizeof(lessllm_plugin_info)": 56, "lessllm_plugin_info.size": 0, "lessllm_plugin_info.abi_major": 4,
        "lessllm_plugin_info.abi_minor": 6, "lessllm_plugin_info.kinds": 8, "lessllm_plugin_info.reserved": 12,
        "lessllm_plugin_info.id": 16, "lessllm_plugin_info.name": 24, "lessllm_plugin_info.version": 32,
        "lessllm_plugin_info.description": 40, "lessllm_plugin_info.ops": 48,
        "sizeof(lessllm_plugin)": 64, "lessllm_plugin.size": 0, "lessllm_plugin.abi_major": 4,
        "lessllm_plugin.abi_minor": 6, "lessllm_plugin.info": 8, "lessllm_plugin.create": 16,
        "lessllm_plugin.destroy": 24, "lessllm_plugin.open": 32, "lessllm_plugin.on_head": 40,
        "lessllm_plugin.on_event": 48, "lessllm_plugin.close": 56,
    ]

    @Test("the C compiler lays every ABI struct out exactly as pinned")
    func cLayoutMatchesPins() throws {
        let folder = try TestPaths.temporaryFolder()
        let program = folder.appendingPathComponent("abi_layout").path
        let compile = try Subprocess.run(
            "/usr/bin/env", ["cc", "-std=c11", "-Wall", "-Werror", "-I", TestPaths.abiInclude, "-o", program,
                             TestPaths.fixture("plugins/abi_layout.c")])
        #expect(compile.status == 0, "\(compile.stderr)")
        let run = try Subprocess.run(program, [])
        var measured: [String: Int] = [:]
        for line in run.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            measured[String(parts[0])] = Int(parts[1])
        }
        #expect(measured == Self.pinned)
    }

    @Test("Swift imports the same layout the pins describe")
    func swiftLayoutMatchesPins() {
        func offset<T>(_ key: PartialKeyPath<T>) -> Int { MemoryLayout<T>.offset(of: key)! }
        let swift: [String: Int] = [
            "sizeof(lessllm_bytes)": MemoryLayout<lessllm_bytes>.size,
            "lessllm_bytes.len": offset(\lessllm_bytes.len),
            "sizeof(lessllm_header)": MemoryLayout<lessllm_header>.size,
            "lessllm_header.value": offset(\lessllm_header.value),
            "sizeof(lessllm_event)": MemoryLayout<lessllm_event>.size,
            "lessllm_event.abi_major": offset(\lessllm_event.abi_major),
            "lessllm_event.raw": offset(\lessllm_event.raw),
            "sizeof(lessllm_open_args)": MemoryLayout<lessllm_open_args>.size,
            "lessllm_open_args.flags": offset(\lessllm_open_args.flags),
            "lessllm_open_args.header_count": offset(\lessllm_open_args.header_count),
            "lessllm_open_args.exchange_id": offset(\lessllm_open_args.exchange_id),
            "lessllm_open_args.record_fields": offset(\lessllm_open_args.record_fields),
            "lessllm_open_args.record_field_count": offset(\lessllm_open_args.record_field_count),
            "sizeof(lessllm_http_request)": MemoryLayout<lessllm_http_request>.size,
            "lessllm_http_request.body": offset(\lessllm_http_request.body),
            "sizeof(lessllm_host)": MemoryLayout<lessllm_host>.size,
            "lessllm_host.log": offset(\lessllm_host.log),
            "lessllm_host.json_encode_string": offset(\lessllm_host.json_encode_string),
            "sizeof(lessllm_plugin_info)": MemoryLayout<lessllm_plugin_info>.size,
            "lessllm_plugin_info.ops": offset(\lessllm_plugin_info.ops),
            "sizeof(lessllm_plugin)": MemoryLayout<lessllm_plugin>.size,
            "lessllm_plugin.info": offset(\lessllm_plugin.info),
            "lessllm_plugin.close": offset(\lessllm_plugin.close),
        ]
        for (name, value) in swift {
            #expect(Self.pinned[name] == value, "\(name)")
        }
    }

    @Test("the ABI version and the constants plugins switch on are pinned")
    func versionAndConstants() {
        #expect(LESSLLM_ABI_MAJOR == 1 && LESSLLM_ABI_MINOR == 1)
        #expect(LESSLLM_ENTRY_SYMBOL == "lessllm_plugin_entry_v1")
        let statuses: [lessllm_status] = [
            LESSLLM_OK, LESSLLM_E_INVALID_REQUEST, LESSLLM_E_UNSUPPORTED, LESSLLM_E_NOT_FOUND, LESSLLM_E_AUTH,
            LESSLLM_E_RATE_LIMITED, LESSLLM_E_UPSTREAM, LESSLLM_E_TIMEOUT, LESSLLM_E_CANCELLED, LESSLLM_E_OVERLOADED,
            LESSLLM_E_INTERNAL, LESSLLM_E_CONFIG, LESSLLM_E_BAD_ARGUMENT,
        ]
        #expect(statuses == Array(0...12))
        #expect([LESSLLM_KIND_PROVIDER, LESSLLM_KIND_CONVERTER, LESSLLM_KIND_SINK] == [1, 2, 4])
        let recordFields: [Int32] = [
            LESSLLM_RECORD_WHOLE, LESSLLM_RECORD_ID, LESSLLM_RECORD_STARTED_AT_MS, LESSLLM_RECORD_CLIENT_DIALECT,
            LESSLLM_RECORD_CLIENT_IP, LESSLLM_RECORD_USER_AGENT, LESSLLM_RECORD_PROVIDER,
            LESSLLM_RECORD_UPSTREAM_DIALECT, LESSLLM_RECORD_REQUESTED_MODEL, LESSLLM_RECORD_UPSTREAM_MODEL,
            LESSLLM_RECORD_CONVERTED, LESSLLM_RECORD_STREAM, LESSLLM_RECORD_OUTCOME, LESSLLM_RECORD_ERROR,
            LESSLLM_RECORD_ERROR_MESSAGE, LESSLLM_RECORD_HTTP, LESSLLM_RECORD_METHOD, LESSLLM_RECORD_PATH,
            LESSLLM_RECORD_STATUS, LESSLLM_RECORD_REQUEST_BYTES, LESSLLM_RECORD_RESPONSE_BYTES,
            LESSLLM_RECORD_UPSTREAM_STATUS, LESSLLM_RECORD_RESPONSE, LESSLLM_RECORD_RAW_EVENTS, LESSLLM_RECORD_TIMING,
            LESSLLM_RECORD_UPSTREAM_TTFB_MS, LESSLLM_RECORD_TTFT_MS, LESSLLM_RECORD_TPOT_MS,
            LESSLLM_RECORD_OUTPUT_TOKENS_PER_SECOND, LESSLLM_RECORD_TOTAL_MS, LESSLLM_RECORD_GATEWAY_OVERHEAD_MS,
            LESSLLM_RECORD_USAGE, LESSLLM_RECORD_INPUT_TOKENS, LESSLLM_RECORD_OUTPUT_TOKENS,
            LESSLLM_RECORD_CACHE_READ_TOKENS, LESSLLM_RECORD_CACHE_WRITE_TOKENS, LESSLLM_RECORD_REASONING_TOKENS,
            LESSLLM_RECORD_TOKENS_ESTIMATED, LESSLLM_RECORD_COST, LESSLLM_RECORD_COST_TOTAL,
            LESSLLM_RECORD_CACHE_SAVINGS, LESSLLM_RECORD_CACHE_HIT_RATIO, LESSLLM_RECORD_REQUEST,
            LESSLLM_RECORD_UPSTREAM_REQUEST,
        ]
        #expect(recordFields == Array(0..<44))
        #expect(LESSLLM_RECORD_FIELD_COUNT == 44)
    }
}
