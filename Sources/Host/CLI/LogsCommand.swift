import ArgumentParser
import JSONCore

/// `lessllm logs`: recent exchanges, one line each, or one whole record.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show recent exchanges from the log sink, or one whole record with --id.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Show this exchange's whole record (JSON).")
    var id: String?

    @Option(help: "How many exchanges to show (1–1000).")
    var limit: Int = 20

    @Option(help: "Only this model (requested or upstream).")
    var model: String?

    @Option(help: "Only these outcomes, comma-separated (ok, upstream_error, client_cancelled, timeout, truncated, rejected).")
    var outcome: String?

    func run() throws {
        let config = try options.load()
        let registry = try options.buildRegistry(config, logger: CommandLogging.makeLogger())
        defer { registry.destroyAll() }
        let client = try SinkQueryClient(registry: registry, configName: config.sourceName)
        if let id {
            let answer = try client.run(["kind": "get", "id": .string(id)])
            Terminal.print((answer["record"] ?? .null).serialized(pretty: true))
            return
        }
        var filters = JSONObject()
        if let model { filters["model"] = .string(model) }
        if let outcome { filters["outcome"] = .array(outcome.split(separator: ",").map { .string(String($0)) }) }
        let answer = try client.run(["kind": "list", "limit": .int(limit), "filters": .object(filters)])
        let items = answer["items"]?.arrayValue ?? []
        let rows = items.map { item -> [String] in
            let dialect = item["client_dialect"]?.stringValue ?? "?"
            let route = "\(dialect) → \(item["provider"]?.stringValue ?? "-")"
            return [
                Timestamp.iso8601(millis: Int64(item["started_at_ms"]?.intValue ?? 0)),
                item["id"]?.stringValue ?? "", route, item["requested_model"]?.stringValue ?? "-",
                item["stream"]?.boolValue == true ? "stream" : "whole",
                "\(item["outcome"]?.stringValue ?? "?") \(item["status"]?.intValue.map(String.init) ?? "")",
                Self.millis(item["ttft_ms"]), Self.millis(item["total_ms"]),
                "\(item["input_tokens"]?.intValue ?? 0)/\(item["output_tokens"]?.intValue ?? 0)",
                item["cost_total"]?.doubleValue.map { "$" + $0.fixed(decimals: 6) } ?? "-",
            ]
        }
        Terminal.print(TextTable.render(
            header: ["TIME", "ID", "ROUTE", "MODEL", "MODE", "OUTCOME", "TTFT", "TOTAL", "IN/OUT", "COST"], rows: rows))
        Terminal.print("\(items.count) of \(answer["total"]?.intValue ?? 0) exchanges")
    }

    static func millis(_ value: JSONValue?) -> String {
        guard let value = value?.doubleValue else { return "-" }
        return value.fixed(decimals: 1) + "ms"
    }
}
