import Hummingbird
import MizanCore

/// The request context of every route. Decoding forms through it turns malformed input into 400
/// or 413 instead of 500 (`StrictFormDecoder`).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for rate limiting: the peer's, or the one a trusted proxy forwarded
    /// (`ClientAddressMiddleware`).
    public var remoteAddress: String?
    /// The kiosk this browser was made into by a staff member, when it carries a valid pass: the
    /// identification limit per address applies to the kiosk instead.
    public var kiosk: String? = nil
    /// The signed-in staff member, set under `/{lang}/staff/` by the staff access guard.
    public var staff: StaffMember? = nil

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: StrictFormDecoder { StrictFormDecoder() }

    /// Forms are small; a larger body is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }
}
