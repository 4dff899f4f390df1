import ArgumentParser
import JSONCore

/// `lessllm stats`: the log's aggregates as a table.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show counts, errors, tokens, cost, cache savings and latency by model or provider.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("by"), help: "Group by model, requested_model or provider.")
    var groupBy: String = "model"

    @Option(help: "Only the last N minutes.")
    var minutes: Int?

    func run() throws {
        guard ["model", "requested_model", "provider"].contains(groupBy) else {
            Terminal.error("--by must be model, requested_model or provider, not '\(groupBy)'")
            throw ExitCode.failure
        }
        let config = try options.load()
        let registry = try options.buildRegistry(config, logger: CommandLogging.makeLogger())
        defer { registry.destroyAll() }
        let client = try SinkQueryClient(registry: registry, configName: config.sourceName)
        var query: JSONObject = ["kind": "aggregate", "group_by": .string(groupBy)]
        if let minutes { query["from_ms"] = .int(Int(WallClock.milliseconds()) - minutes * 60_000) }
        let answer = try client.run(.object(query))
        let groups = (answer["groups"]?.arrayValue ?? []) + [answer["totals"].map { total -> JSONValue in
            var row = total.objectValue ?? JSONObject()
            row["key"] = "TOTAL"
            return .object(row)
        } ?? .null]
        let rows = groups.compactMap { group -> [String]? in
            guard group.objectValue != nil else { return nil }
            let tokens = group["tokens"]
            return [
                group["key"]?.stringValue ?? "-", String(group["count"]?.intValue ?? 0),
                String(group["errors"]?.intValue ?? 0),
                group["error_rate"]?.doubleValue.map { ($0 * 100).fixed(decimals: 1) + "%" } ?? "-",
                String(tokens?["input"]?.intValue ?? 0), String(tokens?["output"]?.intValue ?? 0),
                String(tokens?["cache_read"]?.intValue ?? 0), String(tokens?["cache_write"]?.intValue ?? 0),
                "$" + (group["cost_total"]?.doubleValue ?? 0).fixed(decimals: 4),
                "$" + (group["cache_savings"]?.doubleValue ?? 0).fixed(decimals: 4),
                LogsCommand.millis(group["ttft_ms"]?["p50"]) + " / " + LogsCommand.millis(group["ttft_ms"]?["p95"]),
                LogsCommand.millis(group["total_ms"]?["p50"]) + " / " + LogsCommand.millis(group["total_ms"]?["p95"]),
            ]
        }
        Terminal.print(TextTable.render(
            header: [groupBy.uppercased(), "COUNT", "ERRORS", "ERR%", "IN", "OUT", "CACHE_R", "CACHE_W", "COST",
                     "SAVED", "TTFT p50/p95", "TOTAL p50/p95"], rows: rows))
    }
}
