/// A position in a configuration file: 1-based line and column (columns count characters, not bytes).
///
/// Decoded configuration values keep the `Mark` of where they were written, so that later checks (a route naming a
/// plugin that is not loaded, a listener that cannot bind) can point at the right line.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// Creates a mark from 1-based line and column numbers.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, as printed in error messages.
    public var description: String { "\(line):\(column)" }

    /// Orders marks by position in the file.
    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}
