// swift-tools-version:6.1
// A Swift provider built outside the gateway's package, after the gateway: the drop-in proof for Swift plugins.
import PackageDescription

let package = Package(
    name: "HelloPlugin",
    products: [.library(name: "HelloPlugin", type: .dynamic, targets: ["HelloPlugin"])],
    dependencies: [.package(name: "lessllm", path: "../../..")],
    targets: [
        .target(name: "HelloPlugin", dependencies: [.product(name: "PluginKit", package: "lessllm")]),
    ],
    swiftLanguageModes: [.v6]
)
