import ArgumentParser
import Foundation
import Logging
import MizanCore
#if canImport(Glibc)
import Glibc
#endif

/// `mizan serve --log-format json`: one JSON object per line on standard error, for journald,
/// Loki or any collector that reads lines — `time` (UTC, milliseconds), `level`, `label` (which
/// part of Mizan), `message`, and `metadata` when the message carries some. Each line is written
/// with one `write(2)`, so lines from concurrent requests never interleave.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, JSON)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("message", .string(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty { fields.append(("metadata", Self.json(.dictionary(merged)))) }
        if event.source != label { fields.append(("source", .string(event.source))) }
        let line = Array((JSON.object(fields).text + "\n").utf8)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    static func json(_ value: Logger.MetadataValue) -> JSON {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.mapValues(json))
        }
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", time.tm_year + 1900, time.tm_mon + 1, time.tm_mday,
            time.tm_hour, time.tm_min, time.tm_sec, Int32(now.tv_nsec / 1_000_000))
    }
}

/// How `mizan serve` writes its log.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// swift-log's lines, for a person at a terminal.
    case text
    /// One JSON object per line (`JSONLogHandler`).
    case json

    /// Installs the format for every logger made from now on. Called once, before any logger.
    func bootstrap() {
        guard self == .json else { return }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
    }
}
