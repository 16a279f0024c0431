import Logging
import ServiceSupport

/// Builds the process logger: text lines for a terminal, JSON lines (Cloud Logging's field names) otherwise.
enum Logging {
    static func make(_ settings: Settings) -> Logger {
        var logger = Logger(label: "ordersync") { label in
            settings.jsonLogs ? JSONLogHandler() as any LogHandler : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = settings.logLevel
        return logger
    }
}
