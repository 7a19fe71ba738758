package org.recsys4j.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Prometheus metrics through Micrometer: requests by endpoint and status with a latency histogram
 * ({@code recsys4j_requests_seconds}), the version serving and the index size, loads and refusals,
 * and the JVM's memory, GC, threads and CPU.
 */
final class ServingMetrics implements AutoCloseable {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Per endpoint, its timers by status - 100: found without building a key or tags per request. */
    private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong(-1);
    private final AtomicLong candidates = new AtomicLong();
    private final Counter loads;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServingMetrics(String model) {
        Gauge.builder("recsys4j_model_version", version, AtomicLong::get).tag("model", model)
                .description("the model version serving (-1 before the first load)").register(registry);
        Gauge.builder("recsys4j_index_candidates", candidates, AtomicLong::get).tag("model", model)
                .description("candidates in the serving version's index").register(registry);
        loads = Counter.builder("recsys4j_model_loads").tag("model", model)
                .description("versions loaded and swapped in").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    void swapped(Servable s) {
        version.set(s.version);
        candidates.set(s.candidates());
        loads.increment();
    }

    void request(String endpoint, int status, long nanos) {
        AtomicReferenceArray<Timer> byStatus = timers.computeIfAbsent(endpoint, e -> new AtomicReferenceArray<>(500));
        int at = Math.floorMod(status - 100, byStatus.length()); // statuses are 100..599
        Timer t = byStatus.get(at);
        if (t == null) {
            t = Timer.builder("recsys4j_requests")
                    .description("HTTP requests by endpoint and status")
                    .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100).dividedBy(1000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry); // the registry returns the one timer for these tags to every thread
            byStatus.set(at, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
