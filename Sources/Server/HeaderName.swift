import Hummingbird

/// Header names the HTTP types do not define.
enum HeaderName {
    /// The session token of SPEC §3.
    static let authToken = HTTPFields.Element.Name("authtoken")!
    static let rateLimitPolicy = HTTPFields.Element.Name("RateLimit-Policy")!
    static let rateLimit = HTTPFields.Element.Name("RateLimit")!
    /// A request's id: a sane one the client sent, else one made here; echoed on every answer.
    static let requestID = HTTPFields.Element.Name("X-Request-ID")!
    static let rateLimitLimit = HTTPFields.Element.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPFields.Element.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPFields.Element.Name("RateLimit-Reset")!
    static let serverTiming = HTTPFields.Element.Name("Server-Timing")!
    static let forwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
    /// GitHub's secret-scanning alerts name their signing key and carry the signature.
    static let githubKeyIdentifier = HTTPFields.Element.Name("Github-Public-Key-Identifier")!
    static let githubKeySignature = HTTPFields.Element.Name("Github-Public-Key-Signature")!
}
