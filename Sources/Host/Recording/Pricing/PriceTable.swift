import HostAssets
import Synchronization

/// Prices by model: `prices:` from plugins.yaml first, then the built-in table (`prices.yaml`, shipped next to the
/// binary); within each, an exact name before a glob, globs in file order.
///
/// Lookups are remembered per model name (matching globs is the expensive part, and the same few models come back
/// on every request); the memory is bounded, since a default route lets clients name any model.
public struct PriceTable: Sendable {
    private let overrides: [ModelPrice]
    private let builtin: [ModelPrice]
    private let remembered = RememberedPrices()

    /// A table from configured overrides over the built-in prices.
    public init(overrides: [PriceOverride], builtin: [PriceOverride]) {
        self.overrides = overrides.map { ModelPrice($0, source: .config) }
        self.builtin = builtin.map { ModelPrice($0, source: .builtin) }
    }

    /// The price for `model`, or nil when neither table knows it.
    public func price(for model: String) -> ModelPrice? {
        if let known = remembered.price(for: model) { return known }
        let price = Self.lookup(model, in: overrides) ?? Self.lookup(model, in: builtin)
        remembered.remember(price, for: model)
        return price
    }

    private static func lookup(_ model: String, in prices: [ModelPrice]) -> ModelPrice? {
        prices.first { $0.pattern == model } ?? prices.first { ModelPattern($0.pattern).matches(model) }
    }

    /// The built-in table, read from `prices.yaml` in the `HostAssets` resource folder next to the executable.
    /// - Throws: `ConfigError` when the file is missing or malformed (a packaging error worth stopping for).
    public static func loadBuiltin(executableDirectory: String) throws(ConfigError) -> [PriceOverride] {
        let path = "\(executableDirectory)/\(LESSLLM_HOST_ASSETS_FOLDER)/prices.yaml"
        return try GatewayConfig.load(path: path, environment: [:], executableDirectory: executableDirectory).prices
    }
}

extension ModelPrice {
    init(_ entry: PriceOverride, source: Source) {
        self.init(pattern: entry.model.text, input: entry.input, output: entry.output, cacheRead: entry.cacheRead,
                  cacheWrite: entry.cacheWrite, cacheWriteLong: entry.cacheWriteLong, source: source)
    }
}

/// The memory of `PriceTable` lookups: thread-safe, at most `capacity` names (then it starts over).
final class RememberedPrices: Sendable {
    private static let capacity = 1024
    private let prices = Mutex<[String: ModelPrice?]>([:])

    /// `.some(price)` (possibly `.some(nil)`: known to have no price) when `model` was looked up before.
    func price(for model: String) -> ModelPrice?? {
        prices.withLock { $0[model] }
    }

    func remember(_ price: ModelPrice?, for model: String) {
        prices.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[model] = .some(price)
        }
    }
}
