package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.export.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code braintrust.*} properties. Only {@code braintrust.api-key} and {@code
 * braintrust.project} are needed; {@code BRAINTRUST_API_KEY}, {@code BRAINTRUST_API_URL} and {@code
 * BRAINTRUST_PROJECT} in the environment bind to them as well.
 */
@ConfigurationProperties("braintrust")
public class BraintrustProperties {

  /**
   * Whether to trace at all. When false, the Tracer bean discards every span and nothing else is
   * set up.
   */
  private boolean enabled = true;

  /**
   * API key, sent as a Bearer token and never logged. Without one, spans are discarded (with a
   * warning at startup), so the application still runs locally and in tests.
   */
  private @Nullable String apiKey;

  /**
   * API URL: https://api.braintrust.dev (US), https://api-eu.braintrust.dev (EU) or a self-hosted
   * one.
   */
  private String apiUrl = "https://api.braintrust.dev";

  /**
   * Project whose logs receive the spans, by name (created if missing). Defaults to
   * spring.application.name.
   */
  private @Nullable String project;

  /**
   * Where spans go instead of a project's logs, in the form the SDKs use: project_id:ID,
   * project_name:NAME, experiment_id:ID or dataset_id:ID. Set this or project, not both.
   */
  private @Nullable String destination;

  private final Exporter exporter = new Exporter();
  private final Client client = new Client();
  private final Web web = new Web();
  private final WebClient webClient = new WebClient();
  private final Traced traced = new Traced();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getApiKey() {
    return apiKey;
  }

  public void setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
  }

  public String getApiUrl() {
    return apiUrl;
  }

  public void setApiUrl(String apiUrl) {
    this.apiUrl = apiUrl;
  }

  public @Nullable String getProject() {
    return project;
  }

  public void setProject(@Nullable String project) {
    this.project = project;
  }

  public @Nullable String getDestination() {
    return destination;
  }

  public void setDestination(@Nullable String destination) {
    this.destination = destination;
  }

  public Exporter getExporter() {
    return exporter;
  }

  public Client getClient() {
    return client;
  }

  public Web getWeb() {
    return web;
  }

  public WebClient getWebClient() {
    return webClient;
  }

  public Traced getTraced() {
    return traced;
  }

  /**
   * The bounded buffer between the application and the API. Defaults are the exporter's own,
   * written out so the configuration processor can show them.
   */
  public static class Exporter {
    /** Most events buffered before the overflow policy applies. */
    private int capacity = 10_000;

    /**
     * What to do when the buffer is full: drop-newest, drop-oldest or block (up to block-timeout).
     */
    private OverflowPolicy.Kind overflowPolicy = OverflowPolicy.Kind.DROP_NEWEST;

    /** How long a producer waits for room under the block policy (never on event-loop threads). */
    private Duration blockTimeout = Duration.ofMillis(100);

    /** Most events in one batch. */
    private int maxBatchEvents = 1_000;

    /** Most uncompressed bytes in one request body. */
    private DataSize maxBatchBytes = DataSize.ofMegabytes(5);

    /** How long a partial batch may wait before it is sent. */
    private Duration flushInterval = Duration.ofSeconds(1);

    /** Most insert requests in flight at once. */
    private int maxConcurrentRequests = 4;

    /**
     * How long shutdown waits for the last spans to be delivered, once the web server has stopped
     * taking requests. Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    public int getCapacity() {
      return capacity;
    }

    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }

    public OverflowPolicy.Kind getOverflowPolicy() {
      return overflowPolicy;
    }

    public void setOverflowPolicy(OverflowPolicy.Kind overflowPolicy) {
      this.overflowPolicy = overflowPolicy;
    }

    public Duration getBlockTimeout() {
      return blockTimeout;
    }

    public void setBlockTimeout(Duration blockTimeout) {
      this.blockTimeout = blockTimeout;
    }

    public int getMaxBatchEvents() {
      return maxBatchEvents;
    }

    public void setMaxBatchEvents(int maxBatchEvents) {
      this.maxBatchEvents = maxBatchEvents;
    }

    public DataSize getMaxBatchBytes() {
      return maxBatchBytes;
    }

    public void setMaxBatchBytes(DataSize maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
    }

    public Duration getFlushInterval() {
      return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
    }

    public int getMaxConcurrentRequests() {
      return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
      this.maxConcurrentRequests = maxConcurrentRequests;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  /** The HTTP client for the Braintrust API. */
  public static class Client {
    /** Time to wait for a response; a timeout is retried. */
    private Duration requestTimeout = Duration.ofSeconds(30);

    /** Retries after the first attempt for connection errors, 408, 429 and 5xx. */
    private int maxRetries = 5;

    /** Most pooled connections. */
    private int maxConnections = 16;

    /** Whether insert bodies are gzip-compressed. */
    private boolean gzip = true;

    /** User id or email sent as x-bt-impersonate-user. */
    private @Nullable String impersonateUser;

    /** Allows plain http to non-loopback hosts (https is required otherwise). */
    private boolean allowInsecureHttp;

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public int getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    public int getMaxConnections() {
      return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    public boolean isGzip() {
      return gzip;
    }

    public void setGzip(boolean gzip) {
      this.gzip = gzip;
    }

    public @Nullable String getImpersonateUser() {
      return impersonateUser;
    }

    public void setImpersonateUser(@Nullable String impersonateUser) {
      this.impersonateUser = impersonateUser;
    }

    public boolean isAllowInsecureHttp() {
      return allowInsecureHttp;
    }

    public void setAllowInsecureHttp(boolean allowInsecureHttp) {
      this.allowInsecureHttp = allowInsecureHttp;
    }
  }

  /** The request span of WebFlux applications. */
  public static class Web {
    /** Whether each request gets a root span named after its route. */
    private boolean enabled = true;

    /** Path patterns (within the application) that get no span. */
    private List<String> excludePaths = new ArrayList<>(List.of("/actuator/**"));

    /** Whether requests served by static resource handlers get a span (errors always do). */
    private boolean traceStaticResources;

    /**
     * Whether an inbound W3C traceparent header makes the request span a child of the caller's
     * span. Turn off for endpoints open to untrusted callers who could pick your trace ids.
     */
    private boolean acceptTraceparent = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getExcludePaths() {
      return excludePaths;
    }

    public void setExcludePaths(List<String> excludePaths) {
      this.excludePaths = excludePaths;
    }

    public boolean isTraceStaticResources() {
      return traceStaticResources;
    }

    public void setTraceStaticResources(boolean traceStaticResources) {
      this.traceStaticResources = traceStaticResources;
    }

    public boolean isAcceptTraceparent() {
      return acceptTraceparent;
    }

    public void setAcceptTraceparent(boolean acceptTraceparent) {
      this.acceptTraceparent = acceptTraceparent;
    }
  }

  /** Spans for calls made with the application's WebClient.Builder. */
  public static class WebClient {
    /**
     * Whether outgoing WebClient calls inside a traced request become child spans and carry
     * traceparent.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /**
   * @Traced on Spring beans.
   */
  public static class Traced {
    /**
     * Whether beans with @Traced methods (or classes) are proxied so those methods run in spans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
