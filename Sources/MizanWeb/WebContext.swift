import Hummingbird

/// The request context of every route. Decoding forms through it turns malformed input into 400
/// instead of 500.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: URLEncodedFormDecoder { URLEncodedFormDecoder() }

    /// Forms are small; a larger body is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }
}
