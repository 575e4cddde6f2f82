package dev.braintrust.reactive.spring;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

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

  @NestedConfigurationProperty
  private final BraintrustExporterProperties exporter = new BraintrustExporterProperties();

  @NestedConfigurationProperty
  private final BraintrustClientProperties client = new BraintrustClientProperties();

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
  public BraintrustExporterProperties getExporter() {
    return exporter;
  }

  /** {@return the {@code client} settings} */
  public BraintrustClientProperties getClient() {
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
