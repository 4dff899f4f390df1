import ArgumentParser

/// `lessllm plugins`: lists the plugins a configuration loads.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "List the plugins the configuration loads, with their metadata.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        let (catalog, errors) = PluginCatalog.load(
            files: config.plugins.files.map(\.path), folder: config.plugins.folder)
        let rows = catalog.plugins.map { plugin in
            [plugin.path, plugin.info.id, plugin.info.version, "\(plugin.info.abiMajor).\(plugin.info.abiMinor)",
             plugin.info.kinds.description, plugin.info.ops.joined(separator: " ")]
        }
        Terminal.print(TextTable.render(header: ["FILE", "ID", "VERSION", "ABI", "KINDS", "OPS"], rows: rows))
        errors.forEach { Terminal.error($0.description) }
        if !errors.isEmpty { throw ExitCode.failure }
    }
}

/// Plain-text tables with aligned columns.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(to: widths[column])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
