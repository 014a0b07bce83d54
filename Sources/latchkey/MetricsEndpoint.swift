import Hummingbird
import Metrics
import Postgres
import Prometheus
import Server

/// `GET /metrics` in the Prometheus text format on its own listener (SPEC §12,
/// `LATCHKEY_METRICS_PORT`), never on the public port. Counters and histograms are fed through
/// swift-metrics as things happen; the pool's and the listener's gauges are read at each scrape.
struct MetricsEndpoint {
    let registry = PrometheusCollectorRegistry()

    /// Makes every swift-metrics metric of the process land in this registry, with names and
    /// label names in Prometheus's alphabet (`http.server.request.duration` →
    /// `http_server_request_duration`). Call once, before anything makes a metric.
    func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { label, dimensions in
            (Self.sanitized(label), dimensions.map { (Self.sanitized($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }

    /// The listener's application.
    func application(host: String, port: Int, pool: PGPool, readiness: Readiness) -> some ApplicationProtocol {
        let open = registry.makeGauge(name: "latchkey_db_pool_connections", labels: [("state", "open")])
        let inUse = registry.makeGauge(name: "latchkey_db_pool_connections", labels: [("state", "in_use")])
        let size = registry.makeGauge(name: "latchkey_db_pool_size")
        let waiters = registry.makeGauge(name: "latchkey_db_pool_waiters")
        let listener = registry.makeGauge(name: "latchkey_change_listener_connected")
        let router = Router()
        router.get("/metrics") { [registry] _, _ -> Response in
            let statistics = pool.statistics
            open.set(Double(statistics.open))
            inUse.set(Double(statistics.inUse))
            size.set(Double(pool.configuration.maxConnections))
            waiters.set(Double(statistics.waiters))
            listener.set(readiness.isListenerConnected ? 1.0 : 0.0)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil))
    }

    /// `name` with every character outside `[a-zA-Z0-9_:]` replaced by `_`.
    static func sanitized(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
                ? scalar : "_"
        }))
    }
}
