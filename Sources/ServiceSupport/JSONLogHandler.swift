package import Logging
import OrderCore
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// The process logger of every ordersync program: JSON lines (Cloud Logging's field names) or text.
package enum ProcessLogger {
    package static func make(label: String, json: Bool, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { label in
            json ? JSONLogHandler() as any LogHandler : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = level
        return logger
    }
}

/// One JSON object per line on stderr, with `severity`, `message` and `time` as Cloud Logging reads them.
package struct JSONLogHandler: LogHandler {
    package init() {}

    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        var line =
            "{\"severity\":\"\(JSONLogHandler.severity(event.level))\",\"time\":\"\(JSONLogHandler.now())\",\"message\":"
        line += JSONLogHandler.quote(event.message.description)
        for key in fields.keys.sorted() {
            line += ",\(JSONLogHandler.quote(key)):"
            JSONLogHandler.append(fields[key] ?? "", to: &line)
        }
        line += "}\n"
        var bytes = Array(line.utf8)
        // One write(2) per line: lines from different threads never interleave (writes ≤ PIPE_BUF are atomic).
        _ = bytes.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Metadata as JSON: nested dictionaries and arrays stay structured (Cloud Logging's `httpRequest`).
    static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): line += quote(text)
        case .stringConvertible(let convertible):
            let text = convertible.description
            line += (convertible is any BinaryInteger || convertible is Bool) ? text : quote(text)
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                line += (index > 0 ? "," : "") + quote(key) + ":"
                append(dictionary[key] ?? "", to: &line)
            }
            line += "}"
        case .array(let array):
            line += "["
            for (index, element) in array.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        }
    }

    static func severity(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func now() -> String {
        Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()).millisecondsText
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
