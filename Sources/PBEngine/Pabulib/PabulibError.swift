/// Why a `.pb` file was rejected, with the 1-based line it was rejected at, so whoever prepared the
/// file can find and fix it.
public struct PabulibError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
