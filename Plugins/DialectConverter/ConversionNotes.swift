import PluginABI
import PluginKit

/// What a request conversion left out or adjusted, gathered while converting and logged as one line per request.
///
/// Parameters the other dialect cannot express are dropped only when the answer keeps its meaning without them
/// (`seed`, `top_k`, `cache_control`…); those are noted here. Anything whose loss would change the answer is
/// refused with a 400 instead, and never reaches this list.
///
/// THREAD: a plain value owned by one conversion.
struct ConversionNotes {
    private(set) var lines: [String] = []
    private(set) var needsWarning = false

    /// Records an adjustment; `warning` for changes a user may notice (tools removed, limits lowered…).
    mutating func add(_ line: String, warning: Bool = false) {
        if !lines.contains(line) { lines.append(line) }
        if warning { needsWarning = true }
    }

    /// Records that `what` was dropped and why.
    mutating func drop(_ what: String, because reason: String, warning: Bool = false) {
        add("dropped \(what) (\(reason))", warning: warning)
    }

    /// Writes one log line with every note, at WARNING when any is noticeable, else INFO.
    func log(to host: PluginHost, op: String) {
        guard !lines.isEmpty else { return }
        let level = needsWarning ? Int32(LESSLLM_LOG_WARNING) : Int32(LESSLLM_LOG_INFO)
        host.log(level, "\(op): " + lines.joined(separator: "; "))
    }
}
