extension JSONScanner {
    /// The byte ranges of the elements of a top-level array, in order, from one validating pass — so a batch of
    /// documents can be split without building any of them.
    ///
    /// - Returns: nil when the document is valid JSON but not an array.
    /// - Throws: ``JSONError`` when the document is malformed anywhere.
    public static func topLevelElements(in bytes: UnsafeRawBufferPointer) throws(JSONError) -> [Range<Int>]? {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        guard reader.currentByte == ASCII.openBracket else {
            try validate(bytes)
            return nil
        }
        var elements: [Range<Int>] = []
        if try reader.enterContainer(depth: 0) == .items {
            repeat {
                let start = reader.position
                try reader.skipValue(depth: 1)
                elements.append(start..<reader.position)
            } while try reader.moveToNextItem(inObject: false)
        }
        try reader.expectEndOfInput()
        return elements
    }

    /// ``topLevelElements(in:)-(UnsafeRawBufferPointer)`` over an array of bytes.
    public static func topLevelElements(in bytes: [UInt8]) throws(JSONError) -> [Range<Int>]? {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONError) in try topLevelElements(in: buffer) }
        }.get()
    }
}
