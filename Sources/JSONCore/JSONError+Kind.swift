extension JSONError {
    /// The category of a ``JSONError``: compare with `==`, e.g. `error.kind == .nestingTooDeep`.
    ///
    /// A struct with static members rather than a public enum, so adding a category later breaks no `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// The category's name, e.g. `unterminatedString`.
        public var description: String { name }

        /// A byte the grammar does not allow at that place (includes trailing commas and comments).
        public static let unexpectedCharacter = Kind("unexpectedCharacter")
        /// The input ended in the middle of a value.
        public static let unexpectedEndOfInput = Kind("unexpectedEndOfInput")
        /// A string literal with no closing quote.
        public static let unterminatedString = Kind("unterminatedString")
        /// A backslash followed by something other than `"` `\` `/` `b` `f` `n` `r` `t` or `u` and 4 hex digits.
        public static let invalidEscape = Kind("invalidEscape")
        /// A `\u` escape of a UTF-16 surrogate that is not half of a valid pair.
        public static let unpairedSurrogate = Kind("unpairedSurrogate")
        /// A byte below 0x20 inside a string literal; RFC 8259 requires those to be escaped.
        public static let controlCharacterInString = Kind("controlCharacterInString")
        /// Bytes inside a string literal that are not well-formed UTF-8.
        public static let invalidUTF8 = Kind("invalidUTF8")
        /// A number outside the RFC 8259 grammar: a leading zero or a missing digit.
        public static let invalidNumber = Kind("invalidNumber")
        /// More than 512 arrays and objects open at once.
        public static let nestingTooDeep = Kind("nestingTooDeep")
        /// Something other than whitespace after the one top-level value.
        public static let trailingCharacters = Kind("trailingCharacters")
        /// A member lookup on a document whose top-level value is not an object.
        public static let notAnObject = Kind("notAnObject")
        /// A path string that does not follow the path syntax.
        public static let invalidPath = Kind("invalidPath")
    }
}
