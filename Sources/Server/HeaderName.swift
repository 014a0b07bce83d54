import Hummingbird

/// Header names the HTTP types do not define.
enum HeaderName {
    /// The session token of SPEC §3.
    static let authToken = HTTPFields.Element.Name("authtoken")!
    static let rateLimitLimit = HTTPFields.Element.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPFields.Element.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPFields.Element.Name("RateLimit-Reset")!
    static let serverTiming = HTTPFields.Element.Name("Server-Timing")!
    static let forwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
    /// GitHub's secret-scanning alerts name their signing key and carry the signature.
    static let githubKeyIdentifier = HTTPFields.Element.Name("Github-Public-Key-Identifier")!
    static let githubKeySignature = HTTPFields.Element.Name("Github-Public-Key-Signature")!
}
