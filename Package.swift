// swift-tools-version:6.1
// LessLLM — an LLM API gateway with dlopen'd plugins. See README.md and docs/ARCHITECTURE.md.
import PackageDescription

/// Swift plugins are shared libraries the host loads with dlopen; each depends on PluginKit only.
func swiftPlugin(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: ["PluginKit"] + extra, path: "Plugins/\(name)")
}

let package = Package(
    name: "lessllm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lessllm", targets: ["lessllm"]),
        // For plugins built outside this package: the ABI header and the Swift helpers.
        .library(name: "PluginABI", targets: ["PluginABI"]),
        .library(name: "PluginKit", targets: ["PluginKit"]),
        .library(name: "OpenAIProvider", type: .dynamic, targets: ["OpenAIProvider"]),
        .library(name: "ClaudeProvider", type: .dynamic, targets: ["ClaudeProvider"]),
        .library(name: "SQLiteSink", type: .dynamic, targets: ["SQLiteSink"]),
        .library(name: "DialectConverter", type: .dynamic, targets: ["DialectConverter"]),
        // The benchmark's tools (bench/): a fast mock upstream and a streaming load client.
        .executable(name: "lessllm-bench-upstream", targets: ["BenchUpstream"]),
        .executable(name: "lessllm-bench-streams", targets: ["BenchStreams"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The C ABI: include/lessllm_plugin.h and nothing else.
        .target(name: "PluginABI", path: "Sources/PluginABI"),

        // System libraries and the tiny C shim for libcurl's variadic functions.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibYAML", path: "Sources/CLibYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .target(name: "CurlShim", dependencies: ["CCurl"], path: "Sources/CurlShim"),

        // JSON without Foundation: a fast scanner for the hot path and a small ordered document model.
        .target(name: "JSONCore", path: "Sources/JSONCore"),
        // Helpers for writing plugins in Swift (bytes, host calls, the entry boilerplate).
        .target(name: "PluginKit", dependencies: ["PluginABI", "JSONCore"], path: "Sources/PluginKit"),

        // The gateway's data files (price table, dashboard page), copied next to the executable. A C target, so that
        // SwiftPM generates no resource accessor (which would import Foundation into the gateway).
        .target(name: "HostAssets", path: "Sources/HostAssets", resources: [.copy("prices.yaml"), .copy("dashboard")]),

        // The gateway: a library (folders by concern) under a thin executable in Sources/Host/Main.
        .target(
            name: "Host",
            dependencies: [
                "PluginABI", "CCurl", "CurlShim", "CLibYAML", "JSONCore", "HostAssets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Host",
            exclude: ["Main"]
        ),
        .executableTarget(name: "lessllm", dependencies: ["Host"], path: "Sources/Host/Main"),

        // In-tree plugins.
        swiftPlugin("OpenAIProvider"),
        swiftPlugin("ClaudeProvider"),
        swiftPlugin("SQLiteSink", extra: ["CSQLite", "JSONCore"]),
        swiftPlugin("DialectConverter", extra: ["JSONCore"]),

        // Benchmark tools.
        .executableTarget(
            name: "BenchUpstream",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/MockUpstream"),
        .executableTarget(
            name: "BenchStreams",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/StreamLoad"),

        .testTarget(
            name: "HostTests",
            dependencies: [
                "Host", "PluginABI", "JSONCore", "PluginKit", "CSQLite", "CCurl",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Tests/HostTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
