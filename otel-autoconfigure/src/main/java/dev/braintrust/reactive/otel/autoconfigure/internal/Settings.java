package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.core.internal.BraintrustEnv;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.otel.BraintrustSpanExporter;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import dev.braintrust.reactive.otel.SpanFilter;
import dev.braintrust.reactive.transport.jdk.JdkTransport;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The exporter's settings, read from autoconfigure properties. Each option {@code x.y} is read from
 * {@code otel.exporter.braintrust.x.y} or else {@code braintrust.x.y}, which is where autoconfigure
 * puts the variable {@code BRAINTRUST_X_Y}; so the Braintrust SDKs' usual {@code
 * BRAINTRUST_API_KEY}, {@code BRAINTRUST_API_URL}, {@code BRAINTRUST_PROJECT_ID}, {@code
 * BRAINTRUST_PROJECT} and {@code BRAINTRUST_PARENT} work unchanged, and (as in the official SDKs)
 * the variables braintrust-spec allows there also come from the nearest {@code .env.braintrust}. A
 * bad value fails the SDK's configuration with an exception naming the property, as OTel's own
 * options do.
 */
public final class Settings {
  static final String PREFIX = "otel.exporter.braintrust.";
  static final String SHORT_PREFIX = "braintrust.";

  /** Rows per request unless {@code max.batch.events} says otherwise: OTel's export batch size. */
  public static final int DEFAULT_MAX_BATCH_EVENTS = 512;

  static final String DEFAULT_PROJECT = "default-otel-project";
  private static final LibraryLog LOG = LibraryLog.get(Settings.class);

  private final ConfigProperties config;
  private final String apiKey;
  private final String apiUrl;
  private final String transport;
  private final Destination destination;
  private final String filterName;
  private final SpanFilter filter;
  private final double sampleRatio;
  private final Duration shutdownTimeout;
  private final boolean parentFromBaggage;
  private final boolean propagateParent;

  private Settings(ConfigProperties config) {
    this.config = config;
    String key = string("api.key");
    if (key == null || key.isBlank()) {
      throw new ConfigurationException(
          "otel.traces.exporter includes braintrust but no API key is set: set "
              + "BRAINTRUST_API_KEY (or "
              + PREFIX
              + "api.key)");
    }
    this.apiKey = key;
    String url = string("api.url");
    this.apiUrl = url == null || url.isBlank() ? JdkTransport.US_URL : url;
    this.transport = transportName();
    this.destination = destinationFromConfig();
    this.filterName = filterName();
    this.filter = filterName.equals("ai") ? SpanFilter.aiSpans() : SpanFilter.all();
    Double ratio = typed("sample.ratio", config::getDouble);
    if (ratio != null && !(ratio >= 0 && ratio <= 1)) {
      throw bad("sample.ratio", String.valueOf(ratio), "a number from 0 to 1");
    }
    this.sampleRatio = ratio == null ? 1.0 : ratio;
    Duration timeout = typed("shutdown.timeout", config::getDuration);
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw bad("shutdown.timeout", String.valueOf(timeout), "a positive duration");
    }
    this.shutdownTimeout = timeout == null ? BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT : timeout;
    Boolean fromBaggage = typed("parent.from.baggage", config::getBoolean);
    this.parentFromBaggage = fromBaggage == null || fromBaggage;
    this.propagateParent = propagateParent(config);
  }

  /**
   * Whether outgoing calls carry {@code braintrust.parent} in baggage ({@code propagate.parent},
   * default true). Read on its own because propagators are built before the exporter.
   */
  public static boolean propagateParent(ConfigProperties config) {
    Boolean v = config.getBoolean(PREFIX + "propagate.parent");
    if (v == null) {
      v = config.getBoolean(SHORT_PREFIX + "propagate.parent");
    }
    return v == null || v;
  }

  /**
   * Reads and checks every option.
   *
   * @throws ConfigurationException naming the property of the first missing or bad value
   */
  public static Settings from(ConfigProperties config) {
    return new Settings(config);
  }

  /**
   * Where traces go when nothing else says: the parent, else the project, else the service's name.
   */
  public Destination destination() {
    return destination;
  }

  private Destination destinationFromConfig() {
    String parent = string("parent");
    if (parent != null && !parent.isBlank()) {
      return apply("parent", parent, Destination::parse);
    }
    String projectId = string("project.id");
    if (projectId != null && !projectId.isBlank()) {
      return apply("project.id", projectId, Destination::projectLogs);
    }
    String project = string("project");
    if (project != null && !project.isBlank()) {
      return apply("project", project, Destination::projectLogsByName);
    }
    String service = config.getString("otel.service.name");
    String name = service == null || service.isBlank() ? DEFAULT_PROJECT : service;
    LOG.warn(
        "None of BRAINTRUST_PARENT, BRAINTRUST_PROJECT_ID or BRAINTRUST_PROJECT is set; sending"
            + " traces to project '{}'",
        name);
    return Destination.projectLogsByName(name);
  }

  /**
   * {@code filter.ai.spans} ({@code BRAINTRUST_FILTER_AI_SPANS}, the spec's variable) turns the AI
   * filter on or off; the older {@code filter} ({@code BRAINTRUST_FILTER=ai}) still works when it
   * is unset, with a deprecation warning.
   */
  private String filterName() {
    Boolean aiSpans = typed("filter.ai.spans", config::getBoolean);
    if (aiSpans != null) {
      return aiSpans ? "ai" : "all";
    }
    String f = string("filter");
    String name = f == null || f.isBlank() ? "all" : f.trim().toLowerCase(Locale.ROOT);
    if (!name.equals("all") && !name.equals("ai")) {
      throw bad("filter", f, "all or ai");
    }
    if (name.equals("ai")) {
      LOG.warn("BRAINTRUST_FILTER=ai is deprecated; set BRAINTRUST_FILTER_AI_SPANS=true instead");
    }
    return name;
  }

  /** A new transport and buffer with the configured options; the caller owns (and shuts) them. */
  public BraintrustExporter newBuffer() {
    Transport sender = newTransport();
    try {
      BraintrustExporterBuilder b = BraintrustExporter.builder(sender);
      option("capacity.bytes", config::getLong, b::capacityBytes);
      option("max.event.age", config::getDuration, b::maxEventAge);
      String spool = string("spool.directory");
      if (spool != null && !spool.isBlank()) {
        apply("spool.directory", Path.of(spool.trim()), b::spool);
      }
      option("capacity", config::getInt, b::capacity);
      // The batch OTel's BatchSpanProcessor exports (otel.bsp.max.export.batch.size), which this
      // exporter replaces: in an agent app at 16,000 spans/s, batches of 1,000 held twice the
      // spans across collections, and the collector's threads cost twice as much per request.
      b.maxBatchEvents(DEFAULT_MAX_BATCH_EVENTS);
      option("max.batch.events", config::getInt, b::maxBatchEvents);
      option("max.batch.bytes", config::getLong, b::maxBatchBytes);
      option("flush.interval", config::getDuration, b::flushInterval);
      option("max.concurrent.requests", config::getInt, b::maxConcurrentRequests);
      b.shutdownTimeout(shutdownTimeout);
      String policy = string("overflow.policy");
      if (policy != null && !policy.isBlank()) {
        b.overflowPolicy(overflowPolicy(policy.trim().toLowerCase(Locale.ROOT)));
      }
      return b.build();
    } catch (RuntimeException e) {
      // No buffer owns the transport yet, so nothing else would release its connections.
      sender.shutdown().subscribe(null, ignored -> {});
      throw e;
    }
  }

  /**
   * Which HTTP client sends: {@code reactor-netty} (the full {@code BraintrustClient}) or {@code
   * jdk} (the JDK's HttpClient). By default the Reactor Netty client when it is on the class path,
   * as it is with this module's dependencies, and the JDK's where it is left out: the agent
   * extension bundles no Netty.
   */
  private String transportName() {
    String t = string("transport");
    String name = t == null || t.isBlank() ? "auto" : t.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "auto":
        return TransportOptions.nettyPresent() ? "reactor-netty" : "jdk";
      case "jdk":
        return name;
      case "reactor-netty":
        if (!TransportOptions.nettyPresent()) {
          throw bad("transport", t, "jdk: reactor-netty is not on the class path");
        }
        return name;
      default:
        throw bad("transport", t, "auto, jdk or reactor-netty");
    }
  }

  /** The transport, with the identification, compression and TLS options set. */
  private Transport newTransport() {
    TransportOptions b =
        transport.equals("jdk")
            ? apply("api.url", apiUrl, u -> TransportOptions.jdk(apiKey, u))
            : NettyTransportOptions.create(apiKey, apiUrl);
    String org = string("org.name");
    if (org != null && !org.isBlank()) {
      apply(
          "org.name",
          org,
          v -> {
            b.orgName().accept(v);
            return v;
          });
    }
    Map<String, String> headers = typed("headers", config::getMap);
    if (headers != null) {
      headers.forEach(
          (name, value) ->
              apply(
                  "headers",
                  value,
                  v -> {
                    b.header().accept(name, v);
                    return v;
                  }));
    }
    option("gzip.level", config::getInt, level -> b.gzipLevel().accept(level));
    String pem = string("trusted.certificates");
    if (pem != null && !pem.isBlank()) {
      apply(
          "trusted.certificates",
          Path.of(pem.trim()),
          p -> {
            b.trustedCertificates().accept(p);
            return p;
          });
    }
    return b.build().get();
  }

  /** The span processor over {@code buffer}, the normal path: one queue. */
  public BraintrustSpanProcessor newProcessor(BraintrustExporter buffer) {
    return BraintrustSpanProcessor.builder(buffer)
        .destination(destination)
        .filter(filter)
        .sampleRatio(sampleRatio)
        .parentFromBaggage(parentFromBaggage)
        .shutdownTimeout(shutdownTimeout)
        .build();
  }

  /** The span exporter over {@code buffer}, for when the SDK batches ahead of it. */
  public BraintrustSpanExporter newExporter(BraintrustExporter buffer) {
    return BraintrustSpanExporter.builder(buffer)
        .destination(destination)
        .filter(filter)
        .sampleRatio(sampleRatio)
        .shutdownTimeout(shutdownTimeout)
        .build();
  }

  private OverflowPolicy overflowPolicy(String policy) {
    switch (policy) {
      case "drop_newest":
        return OverflowPolicy.dropNewest();
      case "drop_oldest":
        return OverflowPolicy.dropOldest();
      case "block":
        Duration wait = typed("block.timeout", config::getDuration);
        return OverflowPolicy.block(wait == null ? Duration.ofSeconds(1) : wait);
      default:
        throw bad("overflow.policy", policy, "drop_newest, drop_oldest or block");
    }
  }

  @Override
  public String toString() {
    // Never the key: this may be logged.
    return "braintrust exporter to "
        + apiUrl
        + " (over "
        + transport
        + ", "
        + destination
        + ", filter "
        + filterName
        + ", sample ratio "
        + sampleRatio
        + (parentFromBaggage ? "" : ", baggage parent ignored")
        + (propagateParent ? "" : ", parent not propagated")
        + ")";
  }

  private @Nullable String string(String option) {
    String v = config.getString(PREFIX + option);
    if (v == null) {
      v = config.getString(SHORT_PREFIX + option);
    }
    if (v == null || v.isBlank()) {
      // The official SDKs' fallback for their own variables: the nearest .env.braintrust.
      String fromFile = BraintrustEnv.system().get(variable(option));
      if (fromFile != null) {
        return fromFile;
      }
    }
    return v;
  }

  private static String variable(String option) {
    return "BRAINTRUST_" + option.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** The property a value came from, for messages. */
  private String source(String option) {
    return config.getString(PREFIX + option) != null
        ? PREFIX + option
        : SHORT_PREFIX
            + option
            + " (BRAINTRUST_"
            + option.replace('.', '_').toUpperCase(Locale.ROOT)
            + ")";
  }

  private <T> @Nullable T typed(String option, Function<String, @Nullable T> getter) {
    String name =
        config.getString(PREFIX + option) != null ? PREFIX + option : SHORT_PREFIX + option;
    return getter.apply(name);
  }

  private <T> void option(String option, Function<String, @Nullable T> getter, Consumer<T> setter) {
    T value = typed(option, getter);
    if (value != null) {
      apply(
          option,
          value,
          v -> {
            setter.accept(v);
            return v;
          });
    }
  }

  /** Applies a builder setter, turning its complaint into one about the property. */
  private <T, R> R apply(String option, T value, Function<T, R> setter) {
    try {
      return setter.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "Invalid value for " + source(option) + ": " + e.getMessage(), e);
    }
  }

  private ConfigurationException bad(String option, String value, String expected) {
    return new ConfigurationException(
        "Invalid value for " + source(option) + ": '" + value + "'; expected " + expected);
  }
}
