import Logging
import ServiceSupport

/// Builds the process logger: text lines for a terminal, JSON lines (Cloud Logging's field names) otherwise.
enum Logging {
    static func make(_ settings: Settings) -> Logger {
        ProcessLogger.make(label: "ordersync", json: settings.jsonLogs, level: settings.logLevel)
    }
}
