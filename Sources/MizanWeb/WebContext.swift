import Hummingbird
import MizanCore

/// The request context of every route. Decoding forms through it turns malformed input into 400
/// instead of 500.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for rate limiting (the proxy's, when behind one).
    public let remoteAddress: String?
    /// The signed-in staff member, set under `/{lang}/staff/` by the staff access guard.
    public var staff: StaffMember? = nil

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: URLEncodedFormDecoder { URLEncodedFormDecoder() }

    /// Forms are small; a larger body is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }
}
