import JSONCore
import PluginKit

/// Images and documents between the dialects.
///
/// - Anthropic image `source.type: base64` ⇄ OpenAI `image_url` with a `data:<media type>;base64,` URL;
///   Anthropic `source.type: url` ⇄ a plain http(s) `image_url`. OpenAI's `detail` has no Anthropic field.
/// - Anthropic base64 PDF `document` ⇄ OpenAI `file` part with `file_data` (a data URL; the title becomes the file
///   name and back). An Anthropic plain-text or content-block document becomes text parts (OpenAI has no text
///   document). URL and file-id sources cannot be fetched on the other side, so they are refused with a 400 rather
///   than silently losing the document.
///
/// THREAD: pure functions.
enum MediaParts {
    /// The PDF file name used when an Anthropic document has no title.
    static let defaultFileName = "document.pdf"

    // MARK: - Anthropic → OpenAI

    /// An OpenAI `image_url` part for an Anthropic image block.
    /// - Throws: `PluginError.unsupported` for sources OpenAI cannot take (`file`), `.invalidRequest` when malformed.
    static func openAIImagePart(fromAnthropic block: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        let source = block["source"]
        switch source?["type"]?.stringValue {
        case "base64":
            guard let media = source?["media_type"]?.nonEmptyString, let data = source?["data"]?.nonEmptyString else {
                throw .invalidRequest("\(location).source needs media_type and data")
            }
            return ["type": "image_url", "image_url": ["url": .string("data:\(media);base64,\(data)")]]
        case "url":
            guard let url = source?["url"]?.nonEmptyString else { throw .invalidRequest("\(location).source.url is missing") }
            return ["type": "image_url", "image_url": ["url": .string(url)]]
        case let other:
            throw .unsupported("\(location): an image with source type '\(other ?? "none")' cannot be sent to an "
                               + "OpenAI-compatible model; send it as base64 data or a URL")
        }
    }

    /// OpenAI parts for an Anthropic document block: one `file` part for a base64 PDF, text parts for text documents.
    /// - Throws: `PluginError.unsupported` for URL and file sources.
    static func openAIDocumentParts(fromAnthropic block: JSONValue, at location: RequestPath) throws(PluginError) -> [JSONValue] {
        let source = block["source"]
        switch source?["type"]?.stringValue {
        case "base64":
            guard let media = source?["media_type"]?.nonEmptyString, let data = source?["data"]?.nonEmptyString else {
                throw .invalidRequest("\(location).source needs media_type and data")
            }
            let name = block["title"]?.nonEmptyString ?? defaultFileName
            return [["type": "file", "file": ["filename": .string(name), "file_data": .string("data:\(media);base64,\(data)")]]]
        case "text":
            guard let text = source?["data"]?.nonEmptyString else { return [] }
            return [["type": "text", "text": .string(text)]]
        case "content":
            if let text = source?["content"]?.nonEmptyString { return [["type": "text", "text": .string(text)]] }
            return source?["content"]?.elements.compactMap { part in
                part["text"]?.nonEmptyString.map { ["type": "text", "text": .string($0)] }
            } ?? []
        case let other:
            throw .unsupported("\(location): a document with source type '\(other ?? "none")' cannot be sent to an "
                               + "OpenAI-compatible model; send the PDF as base64 data")
        }
    }

    // MARK: - OpenAI → Anthropic

    /// An Anthropic image block for an OpenAI `image_url` part.
    /// - Throws: `PluginError.invalidRequest` for a missing URL, `.unsupported` for a data URL that is not base64.
    static func anthropicImageBlock(fromOpenAI part: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        let url = part["image_url"]?["url"]?.nonEmptyString ?? part["image_url"]?.nonEmptyString
        guard let url else { throw .invalidRequest("\(location).image_url.url is missing") }
        if url.hasPrefix("data:") {
            guard let (declared, data) = parseDataURL(url) else {
                throw .unsupported("\(location).image_url.url is a data URL that is not base64-encoded")
            }
            let media = imageType(ofBase64: data) ?? (declared == "image/jpg" ? "image/jpeg" : declared)
            return ["type": "image", "source": ["type": "base64", "media_type": .string(media), "data": .string(data)]]
        }
        return ["type": "image", "source": ["type": "url", "url": .string(url)]]
    }

    /// The type of a base64 image by its first bytes (PNG, JPEG, GIF, WebP), or nil when they are none of those.
    /// OpenAI takes any label, and clients label loosely (`image/jpg`, or every image `image/jpeg` as OpenAI's own
    /// example does); Anthropic refuses a label that is not one of the four, or that the bytes contradict.
    static func imageType(ofBase64 data: String) -> String? {
        let signatures: [(prefix: String, media: String)] = [
            ("iVBORw0KGgo", "image/png"), ("/9j/", "image/jpeg"), ("R0lGOD", "image/gif"), ("UklGR", "image/webp"),
        ]
        return signatures.first { data.hasPrefix($0.prefix) }?.media
    }

    /// An Anthropic document block for an OpenAI `file` part holding PDF data.
    /// - Throws: `PluginError.unsupported` for `file_id` references and anything but PDF data.
    static func anthropicDocumentBlock(fromOpenAI part: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        let file = part["file"]
        guard let fileData = file?["file_data"]?.nonEmptyString else {
            throw .unsupported("\(location): a file given by file_id cannot be sent to an Anthropic model; "
                               + "send its contents in file_data")
        }
        let media: String
        let data: String
        if fileData.hasPrefix("data:") {
            guard let parsed = parseDataURL(fileData) else {
                throw .unsupported("\(location).file.file_data is a data URL that is not base64-encoded")
            }
            (media, data) = parsed
        } else {
            (media, data) = ("application/pdf", fileData)  // OpenAI also accepts bare base64, which is a PDF there
        }
        guard media == "application/pdf" else {
            throw .unsupported("\(location): files of type '\(media)' cannot be sent to an Anthropic model; only PDF")
        }
        var block: JSONObject = ["type": "document", "source": ["type": "base64", "media_type": "application/pdf",
                                                               "data": .string(data)]]
        if let name = file?["filename"]?.nonEmptyString, name != defaultFileName { block["title"] = .string(name) }
        return .object(block)
    }

    /// Splits `data:<media type>[;params];base64,<data>`; nil when the URL is not base64.
    static func parseDataURL(_ url: String) -> (mediaType: String, data: String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        let parameters = header.split(separator: ";", omittingEmptySubsequences: false)
        guard parameters.count >= 2, parameters.last == "base64" else { return nil }
        let media = parameters[0].isEmpty ? "application/octet-stream" : String(parameters[0])
        return (media, String(url[url.index(after: comma)...]))
    }
}
