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

  /** {@return {@code enabled}: whether to trace at all} */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets {@code enabled}: whether to trace at all. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@return {@code api-key}: API key, sent as a Bearer token and never logged} */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /** Sets {@code api-key}: API key, sent as a Bearer token and never logged. */
  public void setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * {@return {@code api-url}: API URL: https://api.braintrust.dev (US),
   * https://api-eu.braintrust.dev (EU) or a self-hosted one}
   */
  public String getApiUrl() {
    return apiUrl;
  }

  /**
   * Sets {@code api-url}: API URL: https://api.braintrust.dev (US), https://api-eu.braintrust.dev
   * (EU) or a self-hosted one.
   */
  public void setApiUrl(String apiUrl) {
    this.apiUrl = apiUrl;
  }

  /**
   * {@return {@code project}: project whose logs receive the spans, by name (created if missing)}
   */
  public @Nullable String getProject() {
    return project;
  }

  /** Sets {@code project}: project whose logs receive the spans, by name (created if missing). */
  public void setProject(@Nullable String project) {
    this.project = project;
  }

  /**
   * {@return {@code destination}: where spans go instead of a project's logs, in the form the SDKs
   * use: project_id:ID, project_name:NAME, experiment_id:ID or dataset_id:ID}
   */
  public @Nullable String getDestination() {
    return destination;
  }

  /**
   * Sets {@code destination}: where spans go instead of a project's logs, in the form the SDKs use:
   * project_id:ID, project_name:NAME, experiment_id:ID or dataset_id:ID.
   */
  public void setDestination(@Nullable String destination) {
    this.destination = destination;
  }

  /** {@return the {@code exporter} settings} */
  public Exporter getExporter() {
    return exporter;
  }

  /** {@return the {@code client} settings} */
  public Client getClient() {
    return client;
  }

  /** {@return the {@code web} settings} */
  public Web getWeb() {
    return web;
  }

  /** {@return the {@code web-client} settings} */
  public WebClient getWebClient() {
    return webClient;
  }

  /** {@return the {@code traced} settings} */
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

    /** {@return {@code capacity}: most events buffered before the overflow policy applies} */
    public int getCapacity() {
      return capacity;
    }

    /** Sets {@code capacity}: most events buffered before the overflow policy applies. */
    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }

    /**
     * {@return {@code overflow-policy}: what to do when the buffer is full: drop-newest,
     * drop-oldest or block (up to block-timeout)}
     */
    public OverflowPolicy.Kind getOverflowPolicy() {
      return overflowPolicy;
    }

    /**
     * Sets {@code overflow-policy}: what to do when the buffer is full: drop-newest, drop-oldest or
     * block (up to block-timeout).
     */
    public void setOverflowPolicy(OverflowPolicy.Kind overflowPolicy) {
      this.overflowPolicy = overflowPolicy;
    }

    /**
     * {@return {@code block-timeout}: how long a producer waits for room under the block policy
     * (never on event-loop threads)}
     */
    public Duration getBlockTimeout() {
      return blockTimeout;
    }

    /**
     * Sets {@code block-timeout}: how long a producer waits for room under the block policy (never
     * on event-loop threads).
     */
    public void setBlockTimeout(Duration blockTimeout) {
      this.blockTimeout = blockTimeout;
    }

    /** {@return {@code max-batch-events}: most events in one batch} */
    public int getMaxBatchEvents() {
      return maxBatchEvents;
    }

    /** Sets {@code max-batch-events}: most events in one batch. */
    public void setMaxBatchEvents(int maxBatchEvents) {
      this.maxBatchEvents = maxBatchEvents;
    }

    /** {@return {@code max-batch-bytes}: most uncompressed bytes in one request body} */
    public DataSize getMaxBatchBytes() {
      return maxBatchBytes;
    }

    /** Sets {@code max-batch-bytes}: most uncompressed bytes in one request body. */
    public void setMaxBatchBytes(DataSize maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
    }

    /** {@return {@code flush-interval}: how long a partial batch may wait before it is sent} */
    public Duration getFlushInterval() {
      return flushInterval;
    }

    /** Sets {@code flush-interval}: how long a partial batch may wait before it is sent. */
    public void setFlushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
    }

    /** {@return {@code max-concurrent-requests}: most insert requests in flight at once} */
    public int getMaxConcurrentRequests() {
      return maxConcurrentRequests;
    }

    /** Sets {@code max-concurrent-requests}: most insert requests in flight at once. */
    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
      this.maxConcurrentRequests = maxConcurrentRequests;
    }

    /**
     * {@return {@code shutdown-timeout}: how long shutdown waits for the last spans to be
     * delivered, once the web server has stopped taking requests}
     */
    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    /**
     * Sets {@code shutdown-timeout}: how long shutdown waits for the last spans to be delivered,
     * once the web server has stopped taking requests.
     */
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

    /** {@return {@code request-timeout}: time to wait for a response; a timeout is retried} */
    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    /** Sets {@code request-timeout}: time to wait for a response; a timeout is retried. */
    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    /**
     * {@return {@code max-retries}: retries after the first attempt for connection errors, 408, 429
     * and 5xx}
     */
    public int getMaxRetries() {
      return maxRetries;
    }

    /**
     * Sets {@code max-retries}: retries after the first attempt for connection errors, 408, 429 and
     * 5xx.
     */
    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    /** {@return {@code max-connections}: most pooled connections} */
    public int getMaxConnections() {
      return maxConnections;
    }

    /** Sets {@code max-connections}: most pooled connections. */
    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    /** {@return {@code gzip}: whether insert bodies are gzip-compressed} */
    public boolean isGzip() {
      return gzip;
    }

    /** Sets {@code gzip}: whether insert bodies are gzip-compressed. */
    public void setGzip(boolean gzip) {
      this.gzip = gzip;
    }

    /** {@return {@code impersonate-user}: user id or email sent as x-bt-impersonate-user} */
    public @Nullable String getImpersonateUser() {
      return impersonateUser;
    }

    /** Sets {@code impersonate-user}: user id or email sent as x-bt-impersonate-user. */
    public void setImpersonateUser(@Nullable String impersonateUser) {
      this.impersonateUser = impersonateUser;
    }

    /**
     * {@return {@code allow-insecure-http}: allows plain http to non-loopback hosts (https is
     * required otherwise)}
     */
    public boolean isAllowInsecureHttp() {
      return allowInsecureHttp;
    }

    /**
     * Sets {@code allow-insecure-http}: allows plain http to non-loopback hosts (https is required
     * otherwise).
     */
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

    /** {@return {@code enabled}: whether each request gets a root span named after its route} */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets {@code enabled}: whether each request gets a root span named after its route. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return {@code exclude-paths}: path patterns (within the application) that get no span} */
    public List<String> getExcludePaths() {
      return excludePaths;
    }

    /** Sets {@code exclude-paths}: path patterns (within the application) that get no span. */
    public void setExcludePaths(List<String> excludePaths) {
      this.excludePaths = excludePaths;
    }

    /**
     * {@return {@code trace-static-resources}: whether requests served by static resource handlers
     * get a span (errors always do)}
     */
    public boolean isTraceStaticResources() {
      return traceStaticResources;
    }

    /**
     * Sets {@code trace-static-resources}: whether requests served by static resource handlers get
     * a span (errors always do).
     */
    public void setTraceStaticResources(boolean traceStaticResources) {
      this.traceStaticResources = traceStaticResources;
    }

    /**
     * {@return {@code accept-traceparent}: whether an inbound W3C traceparent header makes the
     * request span a child of the caller's span}
     */
    public boolean isAcceptTraceparent() {
      return acceptTraceparent;
    }

    /**
     * Sets {@code accept-traceparent}: whether an inbound W3C traceparent header makes the request
     * span a child of the caller's span.
     */
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

    /**
     * {@return {@code enabled}: whether outgoing WebClient calls inside a traced request become
     * child spans and carry traceparent}
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code enabled}: whether outgoing WebClient calls inside a traced request become child
     * spans and carry traceparent.
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code @Traced} on Spring beans. */
  public static class Traced {
    /**
     * Whether beans with @Traced methods (or classes) are proxied so those methods run in spans.
     */
    private boolean enabled = true;

    /**
     * {@return {@code enabled}: whether beans with @Traced methods (or classes) are proxied so
     * those methods run in spans}
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code enabled}: whether beans with @Traced methods (or classes) are proxied so those
     * methods run in spans.
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
