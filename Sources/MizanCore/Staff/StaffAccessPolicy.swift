import Foundation

/// How long staff sessions last and how many failed logins are tolerated. One value, so the web
/// tier and the tests agree, and every web server applies the same limits (the counts live in the
/// database).
public struct StaffAccessPolicy: Sendable {
    /// A session unused this long ends.
    public var idleTimeout: TimeInterval
    /// A session ends this long after login, however active.
    public var absoluteLifetime: TimeInterval
    /// Failed logins for one username within `failureWindow` after which that username is locked.
    public var maximumFailuresPerUsername: Int
    /// Failed logins from one client address within `failureWindow` after which that address is locked.
    public var maximumFailuresPerAddress: Int
    public var failureWindow: TimeInterval

    public init(
        idleTimeout: TimeInterval = 30 * 60, absoluteLifetime: TimeInterval = 12 * 3600, maximumFailuresPerUsername: Int = 5,
        maximumFailuresPerAddress: Int = 20, failureWindow: TimeInterval = 15 * 60
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteLifetime = absoluteLifetime
        self.maximumFailuresPerUsername = maximumFailuresPerUsername
        self.maximumFailuresPerAddress = maximumFailuresPerAddress
        self.failureWindow = failureWindow
    }

    public static let standard = StaffAccessPolicy()
}
