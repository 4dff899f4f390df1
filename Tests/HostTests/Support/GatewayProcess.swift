import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `lessllm server` process for a test, on an ephemeral port, stopped with SIGTERM when the test is done.
final class GatewayProcess {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    /// The proxy's base URL, e.g. http://127.0.0.1:40123.
    private(set) var baseURL = ""

    /// Starts the server with `config` and waits until it announces its address.
    init(config: URL) throws {
        process.executableURL = URL(fileURLWithPath: TestPaths.lessllm)
        process.arguments = ["server", "--config", config.path]
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var seen = ""
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"listening on (http://[0-9.:\[\]]+)"#, options: .regularExpression) {
                baseURL = String(seen[range].dropFirst("listening on ".count))
                return
            }
        }
        stop()
        throw StartError(output: seen + String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))
    }

    struct StartError: Error, CustomStringConvertible {
        let output: String
        var description: String { "the gateway did not start: \(output)" }
    }

    /// Sends a request and returns (status, body).
    func post(_ path: String, json: String, headers: [String: String] = [:]) throws -> (Int, String) {
        let (status, _, body) = try exchange(path, json: json, headers: headers)
        return (status, body)
    }

    /// Sends a request and returns (status, response headers with lower-cased names, body).
    func exchange(_ path: String, json: String, headers: [String: String] = [:]) throws
        -> (Int, [String: String], String) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, [String: String], String)?
        nonisolated(unsafe) var failure: (any Error)?
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { failure = error }
            let http = response as? HTTPURLResponse
            var fields: [String: String] = [:]
            for (name, value) in http?.allHeaderFields ?? [:] {
                fields[String(describing: name).lowercased()] = String(describing: value)
            }
            result = (http?.statusCode ?? 0, fields, String(decoding: data ?? Data(), as: UTF8.self))
            semaphore.signal()
        }.resume()
        semaphore.wait()
        if let failure { throw failure }
        return result!
    }

    /// Stops the server (SIGTERM) and waits for it to exit.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
